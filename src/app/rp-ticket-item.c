/* rp-ticket-item.c: one row of a ticket list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "rp-ticket-item"

#include "config.h"

#include "rp-ticket-item.h"

struct _RpTicketItem
{
  GObject      parent_instance;

  char        *id;
  RpTicketRow *row;
};

G_DEFINE_FINAL_TYPE (RpTicketItem, rp_ticket_item, G_TYPE_OBJECT)

static void
rp_ticket_item_finalize (GObject *object)
{
  RpTicketItem *self = (RpTicketItem *)object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->row, rp_ticket_row_free);

  G_OBJECT_CLASS (rp_ticket_item_parent_class)->finalize (object);
}

static void
rp_ticket_item_class_init (RpTicketItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = rp_ticket_item_finalize;
}

static void
rp_ticket_item_init (RpTicketItem *self)
{
}

RpTicketItem *
rp_ticket_item_new (const char  *id,
                    RpTicketRow *row)
{
  RpTicketItem *self = g_object_new (RP_TYPE_TICKET_ITEM, NULL);

  self->id = g_strdup (id);
  self->row = row;
  return self;
}

const char *
rp_ticket_item_get_id (RpTicketItem *self)
{
  g_return_val_if_fail (RP_IS_TICKET_ITEM (self), NULL);
  return self->id;
}

const RpTicketRow *
rp_ticket_item_get_row (RpTicketItem *self)
{
  g_return_val_if_fail (RP_IS_TICKET_ITEM (self), NULL);
  return self->row;
}
