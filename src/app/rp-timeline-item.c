/* rp-timeline-item.c: one row of the timeline, a day header or an event
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "rp-timeline-item"

#include "config.h"

#include "rp-timeline-item.h"

struct _RpTimelineItem
{
  GObject     parent_instance;

  RpCache    *cache;
  RpEvent    *event;
  JsonObject *doc;
  /* Shared with the model, so expansion survives rows being recycled */
  GHashTable *expanded_set;
  gint64      at_usec;
  guint       n_events;
  guint       is_header : 1;
};

G_DEFINE_FINAL_TYPE (RpTimelineItem, rp_timeline_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_EXPANDED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
rp_timeline_item_finalize (GObject *object)
{
  RpTimelineItem *self = (RpTimelineItem *)object;

  g_clear_object (&self->cache);
  g_clear_pointer (&self->event, rp_event_free);
  g_clear_pointer (&self->doc, json_object_unref);
  g_clear_pointer (&self->expanded_set, g_hash_table_unref);

  G_OBJECT_CLASS (rp_timeline_item_parent_class)->finalize (object);
}

static void
rp_timeline_item_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  RpTimelineItem *self = RP_TIMELINE_ITEM (object);

  switch (prop_id)
    {
    case PROP_EXPANDED:
      g_value_set_boolean (value, rp_timeline_item_get_expanded (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rp_timeline_item_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  RpTimelineItem *self = RP_TIMELINE_ITEM (object);

  switch (prop_id)
    {
    case PROP_EXPANDED:
      rp_timeline_item_set_expanded (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rp_timeline_item_class_init (RpTimelineItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = rp_timeline_item_finalize;
  object_class->get_property = rp_timeline_item_get_property;
  object_class->set_property = rp_timeline_item_set_property;

  properties[PROP_EXPANDED] =
    g_param_spec_boolean ("expanded", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
rp_timeline_item_init (RpTimelineItem *self)
{
}

RpTimelineItem *
rp_timeline_item_new_header (gint64 day_usec,
                             guint  n_events)
{
  RpTimelineItem *self = g_object_new (RP_TYPE_TIMELINE_ITEM, NULL);

  self->is_header = TRUE;
  self->at_usec = day_usec;
  self->n_events = n_events;

  return self;
}

/* Takes @event */
RpTimelineItem *
rp_timeline_item_new_event (RpCache    *cache,
                            RpEvent    *event,
                            GHashTable *expanded_set)
{
  RpTimelineItem *self = g_object_new (RP_TYPE_TIMELINE_ITEM, NULL);

  g_return_val_if_fail (event != NULL, NULL);

  self->cache = cache ? g_object_ref (cache) : NULL;
  self->event = event;
  self->at_usec = event->at_usec;
  self->expanded_set = expanded_set ? g_hash_table_ref (expanded_set) : NULL;

  return self;
}

gboolean
rp_timeline_item_is_header (RpTimelineItem *self)
{
  g_return_val_if_fail (RP_IS_TIMELINE_ITEM (self), FALSE);
  return self->is_header;
}

gint64
rp_timeline_item_get_at_usec (RpTimelineItem *self)
{
  g_return_val_if_fail (RP_IS_TIMELINE_ITEM (self), 0);
  return self->at_usec;
}

guint
rp_timeline_item_get_n_events (RpTimelineItem *self)
{
  g_return_val_if_fail (RP_IS_TIMELINE_ITEM (self), 0);
  return self->n_events;
}

const RpEvent *
rp_timeline_item_get_event (RpTimelineItem *self)
{
  g_return_val_if_fail (RP_IS_TIMELINE_ITEM (self), NULL);
  return self->event;
}

RpCache *
rp_timeline_item_get_cache (RpTimelineItem *self)
{
  g_return_val_if_fail (RP_IS_TIMELINE_ITEM (self), NULL);
  return self->cache;
}

/* The stored document, parsed on first use */
JsonObject *
rp_timeline_item_get_doc (RpTimelineItem *self)
{
  g_return_val_if_fail (RP_IS_TIMELINE_ITEM (self), NULL);

  if (self->doc == NULL && self->event != NULL && self->event->body != NULL)
    {
      g_autoptr(JsonParser) parser = json_parser_new_immutable ();

      if (json_parser_load_from_data (parser, self->event->body, -1, NULL) &&
          JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        self->doc = json_object_ref (json_node_get_object (json_parser_get_root (parser)));
    }

  if (self->doc == NULL && !self->is_header)
    self->doc = json_object_new ();

  return self->doc;
}

gboolean
rp_timeline_item_get_expanded (RpTimelineItem *self)
{
  g_return_val_if_fail (RP_IS_TIMELINE_ITEM (self), FALSE);

  if (self->expanded_set == NULL || self->event == NULL)
    return FALSE;
  return g_hash_table_contains (self->expanded_set, &self->event->rowid);
}

void
rp_timeline_item_set_expanded (RpTimelineItem *self,
                               gboolean        expanded)
{
  g_return_if_fail (RP_IS_TIMELINE_ITEM (self));

  if (self->expanded_set == NULL || self->event == NULL)
    return;
  if (expanded == rp_timeline_item_get_expanded (self))
    return;

  if (expanded)
    {
      gint64 *key = g_new (gint64, 1);

      *key = self->event->rowid;
      g_hash_table_add (self->expanded_set, key);
    }
  else
    g_hash_table_remove (self->expanded_set, &self->event->rowid);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXPANDED]);
}

/* Takes on what @other shows, so a list that already has a row widget for
 * @self keeps it for the new content (see RpTimelineModel) */
void
rp_timeline_item_assign (RpTimelineItem *self,
                         RpTimelineItem *other)
{
  g_return_if_fail (RP_IS_TIMELINE_ITEM (self));
  g_return_if_fail (RP_IS_TIMELINE_ITEM (other));

  if (self == other)
    return;

  g_set_object (&self->cache, other->cache);
  g_clear_pointer (&self->event, rp_event_free);
  self->event = other->event ? rp_event_copy (other->event) : NULL;
  g_clear_pointer (&self->doc, json_object_unref);
  self->doc = other->doc ? json_object_ref (other->doc) : NULL;
  if (self->expanded_set != other->expanded_set)
    {
      g_clear_pointer (&self->expanded_set, g_hash_table_unref);
      self->expanded_set = other->expanded_set ? g_hash_table_ref (other->expanded_set) : NULL;
    }
  self->at_usec = other->at_usec;
  self->n_events = other->n_events;
  self->is_header = other->is_header;
}
