/* rp-ticket-model.c: a sorted, filtered ticket list as a GListModel, rows on demand
 *
 * SQLite sorts and filters and hands back the ids in order; the model keeps
 * only those.  Items are made a page at a time when GtkListView asks for
 * them, and only a few pages are kept, so 50 000 tickets cost about what
 * 50 do.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "rp-ticket-model"

#include "config.h"

#include "rp-ticket-item.h"
#include "rp-ticket-model.h"

#define PAGE_SIZE 50
#define MAX_PAGES 12
/* GtkListView binds about 200 rows as soon as a model is set: read them
 * in the worker so binding never waits on SQLite */
#define PREFETCH_PAGES 4

struct _RpTicketModel
{
  GObject        parent_instance;

  RpCache       *cache;
  RpTicketQuery  query;
  char          *status;
  char          *queue;
  char          *assignee;
  GPtrArray     *ids;
  GHashTable    *pages;   /* page number → GPtrArray of RpTicketItem */
  guint          generation;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (RpTicketModel, rp_ticket_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

typedef struct
{
  RpTicketQuery  query;
  char          *status;
  char          *queue;
  char          *assignee;
  guint          generation;
  GPtrArray     *ids;
  GPtrArray     *pages[PREFETCH_PAGES];  /* RpTicketRow */
} QueryData;

static void
query_data_free (QueryData *data)
{
  g_free (data->status);
  g_free (data->queue);
  g_free (data->assignee);
  g_clear_pointer (&data->ids, g_ptr_array_unref);
  for (guint i = 0; i < PREFETCH_PAGES; i++)
    g_clear_pointer (&data->pages[i], g_ptr_array_unref);
  g_free (data);
}

static GPtrArray *
fetch_rows (RpCache    *cache,
            GPtrArray  *ids,
            guint       page,
            GError    **error)
{
  guint start = page * PAGE_SIZE;
  guint n = MIN (PAGE_SIZE, ids->len - start);

  return rp_cache_ticket_rows (cache, (const char *const *) ids->pdata + start, n, error);
}

static GPtrArray *
items_from_rows (GPtrArray *ids,
                 guint      page,
                 GPtrArray *rows)
{
  guint start = page * PAGE_SIZE;
  guint n = MIN (PAGE_SIZE, ids->len - start);
  GPtrArray *items = g_ptr_array_new_full (n, g_object_unref);

  /* The items take the rows */
  if (rows != NULL)
    g_ptr_array_set_free_func (rows, NULL);
  for (guint i = 0; i < n; i++)
    {
      RpTicketRow *row = rows && i < rows->len ? g_ptr_array_index (rows, i) : NULL;
      g_ptr_array_add (items, rp_ticket_item_new (g_ptr_array_index (ids, start + i), row));
    }
  if (rows != NULL)
    g_ptr_array_set_size (rows, 0);

  return items;
}

static GPtrArray *
ensure_page (RpTicketModel *self,
             guint          page)
{
  GPtrArray *items = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (page));
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;

  if (items != NULL)
    return items;

  if (g_hash_table_size (self->pages) >= MAX_PAGES)
    g_hash_table_remove_all (self->pages);

  /* PAGE_SIZE primary-key reads: well under a frame */
  rows = fetch_rows (self->cache, self->ids, page, &error);
  if (rows == NULL)
    g_warning ("Cannot read tickets: %s", error->message);

  items = items_from_rows (self->ids, page, rows);
  g_hash_table_insert (self->pages, GUINT_TO_POINTER (page), items);

  return items;
}

static GType
rp_ticket_model_get_item_type (GListModel *model)
{
  return RP_TYPE_TICKET_ITEM;
}

static guint
rp_ticket_model_get_n_items (GListModel *model)
{
  RpTicketModel *self = RP_TICKET_MODEL (model);

  return self->ids ? self->ids->len : 0;
}

static gpointer
rp_ticket_model_get_item (GListModel *model,
                          guint       position)
{
  RpTicketModel *self = RP_TICKET_MODEL (model);
  GPtrArray *items;

  if (self->ids == NULL || position >= self->ids->len)
    return NULL;

  items = ensure_page (self, position / PAGE_SIZE);
  return g_object_ref (g_ptr_array_index (items, position % PAGE_SIZE));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = rp_ticket_model_get_item_type;
  iface->get_n_items = rp_ticket_model_get_n_items;
  iface->get_item = rp_ticket_model_get_item;
}

static void
rp_ticket_model_finalize (GObject *object)
{
  RpTicketModel *self = (RpTicketModel *)object;

  g_clear_object (&self->cache);
  g_clear_pointer (&self->ids, g_ptr_array_unref);
  g_clear_pointer (&self->pages, g_hash_table_unref);
  g_free (self->status);
  g_free (self->queue);
  g_free (self->assignee);

  G_OBJECT_CLASS (rp_ticket_model_parent_class)->finalize (object);
}

static void
rp_ticket_model_class_init (RpTicketModelClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = rp_ticket_model_finalize;
}

static void
rp_ticket_model_init (RpTicketModel *self)
{
  rp_ticket_query_init (&self->query);
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
}

RpTicketModel *
rp_ticket_model_new (RpCache *cache)
{
  RpTicketModel *self;

  g_return_val_if_fail (RP_IS_CACHE (cache), NULL);

  self = g_object_new (RP_TYPE_TICKET_MODEL, NULL);
  self->cache = g_object_ref (cache);
  return self;
}

static void
query_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  RpTicketModel *self = source_object;
  QueryData *data = task_data;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;

  data->ids = rp_cache_ticket_ids (self->cache, &data->query, &error);
  if (data->ids == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  for (guint page = 0; page < PREFETCH_PAGES && page * PAGE_SIZE < data->ids->len; page++)
    {
      if (g_task_return_error_if_cancelled (task))
        return;
      data->pages[page] = fetch_rows (self->cache, data->ids, page, NULL);
    }

  g_task_return_boolean (task, TRUE);
}

void
rp_ticket_model_query_async (RpTicketModel        *self,
                             const RpTicketQuery  *query,
                             GCancellable         *cancellable,
                             GAsyncReadyCallback   callback,
                             gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  QueryData *data;

  g_return_if_fail (RP_IS_TICKET_MODEL (self));
  g_return_if_fail (query != NULL);

  data = g_new0 (QueryData, 1);
  data->query = *query;
  data->status = g_strdup (query->status);
  data->queue = g_strdup (query->queue);
  data->assignee = g_strdup (query->assignee);
  data->query.status = data->status;
  data->query.queue = data->queue;
  data->query.assignee = data->assignee;
  data->generation = ++self->generation;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, rp_ticket_model_query_async);
  g_task_set_task_data (task, data, (GDestroyNotify) query_data_free);
  g_task_run_in_thread (task, query_thread);
}

gboolean
rp_ticket_model_query_finish (RpTicketModel  *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  QueryData *data;
  guint old_n, new_n;

  g_return_val_if_fail (RP_IS_TICKET_MODEL (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  data = g_task_get_task_data (G_TASK (result));
  /* A newer query is on its way: this one is stale */
  if (data->generation != self->generation)
    return TRUE;

  old_n = self->ids ? self->ids->len : 0;
  g_clear_pointer (&self->ids, g_ptr_array_unref);
  g_hash_table_remove_all (self->pages);

  g_free (self->status);
  g_free (self->queue);
  g_free (self->assignee);
  self->query = data->query;
  self->status = g_steal_pointer (&data->status);
  self->queue = g_steal_pointer (&data->queue);
  self->assignee = g_steal_pointer (&data->assignee);
  self->query.status = self->status;
  self->query.queue = self->queue;
  self->query.assignee = self->assignee;

  self->ids = g_steal_pointer (&data->ids);
  for (guint page = 0; page < PREFETCH_PAGES; page++)
    if (data->pages[page] != NULL)
      g_hash_table_insert (self->pages, GUINT_TO_POINTER (page),
                           items_from_rows (self->ids, page, data->pages[page]));
  new_n = self->ids->len;

  g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n, new_n);
  return TRUE;
}

const RpTicketQuery *
rp_ticket_model_get_query (RpTicketModel *self)
{
  g_return_val_if_fail (RP_IS_TICKET_MODEL (self), NULL);
  return &self->query;
}
