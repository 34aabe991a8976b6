/* rp-timeline-model.c: a customer's timeline as a GListModel, rows on demand
 *
 * The model holds only the timeline index (rowid and time of every event)
 * and the day layout computed from it.  Items are made when GtkListView asks
 * for them, a page of events at a time, and only a few pages are kept, so
 * a customer with 10 000 events costs about what one with 10 does.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "rp-timeline-model"

#include "config.h"

#include "rp-format.h"
#include "rp-timeline-item.h"
#include "rp-timeline-model.h"

#define PAGE_SIZE 48
#define MAX_PAGES 12
/* GtkListView 4.8 binds about 200 rows around what is visible as soon as a
 * model is set: read them all in the worker, so binding never waits on
 * SQLite (whose single reader connection another query may hold) */
#define PREFETCH_PAGES 8
/* GTK 4.8 has no pool of row widgets: a row whose item leaves the model is
 * destroyed, and a new item gets a new widget (its template built, styled
 * and measured: about a millisecond each).  It keeps the widget only for an
 * item that comes back in the same items-changed.  So the items handed out
 * for the first rows, the ones GtkListView builds widgets for when a
 * customer opens, are kept and take on the new rows' content. */
#define N_SLOTS 256

typedef struct
{
  GArray    *index;      /* RpTimelineEntry, newest first */
  GArray    *layout;     /* gint32: >= 0 an entry, < 0 the header of entry -(v + 1) */
  GArray    *day_counts; /* guint per header, in order */
  GPtrArray *first_pages[PREFETCH_PAGES]; /* RpEvent, prefetched in the worker */
} Layout;

struct _RpTimelineModel
{
  GObject     parent_instance;

  RpCache    *cache;
  GArray     *index;
  GArray     *layout;
  GArray     *day_counts;
  GArray     *header_ordinal; /* layout position → header number, for headers */
  GHashTable *pages;          /* page number → GPtrArray of RpTimelineItem */
  GHashTable *expanded_set;   /* rowids of expanded events */
  GPtrArray  *slots;          /* RpTimelineItem handed out for the first N_SLOTS rows, or NULL */
  char       *customer_id;    /* whose timeline this is */
  guint       n_exposed;      /* rows announced so far: see replace() */
  guint       generation;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (RpTimelineModel, rp_timeline_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

typedef struct
{
  char       *customer_id;
  char       *channel;
  RpKindMask  kinds;
  guint       generation;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_free (data->customer_id);
  g_free (data->channel);
  g_free (data);
}

static void
layout_free (Layout *layout)
{
  g_clear_pointer (&layout->index, g_array_unref);
  g_clear_pointer (&layout->layout, g_array_unref);
  g_clear_pointer (&layout->day_counts, g_array_unref);
  for (guint i = 0; i < PREFETCH_PAGES; i++)
    g_clear_pointer (&layout->first_pages[i], g_ptr_array_unref);
  g_free (layout);
}

/* Which local day an event falls on, as days since the epoch: the same
 * Headers of the layout and of a reload compare by it */
static gint64
local_day_number (GTimeZone *tz,
                  gint64     usec)
{
  gint64 secs = usec / G_USEC_PER_SEC;
  int interval = g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, secs);
  gint64 local = secs + (interval >= 0 ? g_time_zone_get_offset (tz, interval) : 0);

  return local >= 0 ? local / 86400 : (local - 86399) / 86400;
}

static gint64
local_day (gint64 usec)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_local ();

  return local_day_number (tz, usec);
}

static GPtrArray *
fetch_page (RpCache  *cache,
            GArray   *index,
            guint     page,
            GError  **error)
{
  guint start = page * PAGE_SIZE;
  guint n = MIN (PAGE_SIZE, index->len - start);
  g_autofree gint64 *rowids = g_new (gint64, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    rowids[i] = g_array_index (index, RpTimelineEntry, start + i).rowid;

  return rp_cache_get_events (cache, rowids, n, error);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  RpTimelineModel *self = source_object;
  LoadData *data = task_data;
  g_autoptr(GError) error = NULL;
  Layout *layout;
  g_autoptr(GTimeZone) tz = g_time_zone_new_local ();
  gint64 last_day = G_MININT64;
  guint *count = NULL;

  layout = g_new0 (Layout, 1);
  layout->index = rp_cache_timeline_index (self->cache, data->customer_id,
                                           data->kinds, data->channel, &error);
  if (layout->index == NULL)
    {
      layout_free (layout);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  layout->layout = g_array_sized_new (FALSE, FALSE, sizeof (gint32),
                                      layout->index->len + layout->index->len / 4 + 1);
  layout->day_counts = g_array_new (FALSE, TRUE, sizeof (guint));

  for (guint i = 0; i < layout->index->len; i++)
    {
      const RpTimelineEntry *entry = &g_array_index (layout->index, RpTimelineEntry, i);
      gint64 day = local_day_number (tz, entry->at_usec);
      gint32 v;

      if (day != last_day)
        {
          guint zero = 0;

          v = -((gint32) i + 1);
          g_array_append_val (layout->layout, v);
          g_array_append_val (layout->day_counts, zero);
          count = &g_array_index (layout->day_counts, guint, layout->day_counts->len - 1);
          last_day = day;
        }
      v = i;
      g_array_append_val (layout->layout, v);
      (*count)++;
    }

  if (g_task_return_error_if_cancelled (task))
    {
      layout_free (layout);
      return;
    }

  /* The first rows are painted right away: read them here, not in the UI */
  for (guint page = 0; page < PREFETCH_PAGES && page * PAGE_SIZE < layout->index->len; page++)
    {
      layout->first_pages[page] = fetch_page (self->cache, layout->index, page, &error);
      if (layout->first_pages[page] == NULL)
        {
          g_debug ("Cannot prefetch the timeline: %s", error->message);
          g_clear_error (&error);
          break;
        }
    }

  g_task_return_pointer (task, layout, (GDestroyNotify) layout_free);
}

static GPtrArray *
items_from_events (RpTimelineModel *self,
                   GArray          *index,
                   guint            page,
                   GPtrArray       *events)
{
  guint start = page * PAGE_SIZE;
  guint n = MIN (PAGE_SIZE, index->len - start);
  GPtrArray *items = g_ptr_array_new_full (n, g_object_unref);
  g_autoptr(GHashTable) by_rowid = g_hash_table_new (g_int64_hash, g_int64_equal);

  /* The items take the events they show; the rest are freed below */
  if (events != NULL)
    {
      g_ptr_array_set_free_func (events, NULL);
      for (guint i = 0; i < events->len; i++)
        {
          RpEvent *event = g_ptr_array_index (events, i);
          g_hash_table_insert (by_rowid, &event->rowid, event);
        }
    }

  for (guint i = 0; i < n; i++)
    {
      const RpTimelineEntry *entry = &g_array_index (index, RpTimelineEntry, start + i);
      RpEvent *event = g_hash_table_lookup (by_rowid, &entry->rowid);

      if (event != NULL)
        g_hash_table_remove (by_rowid, &entry->rowid);
      else
        {
          /* Removed since the index was read (an erasure, a tombstone) */
          event = g_new0 (RpEvent, 1);
          event->rowid = entry->rowid;
          event->at_usec = entry->at_usec;
          event->type = RP_DOC_UNKNOWN;
        }

      g_ptr_array_add (items, rp_timeline_item_new_event (self->cache, event,
                                                          self->expanded_set));
    }

  if (events != NULL)
    {
      GHashTableIter iter;
      gpointer value;

      g_hash_table_iter_init (&iter, by_rowid);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        rp_event_free (value);
      g_ptr_array_set_size (events, 0);
    }

  return items;
}

static GPtrArray *
ensure_page (RpTimelineModel *self,
             guint            page)
{
  GPtrArray *items = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (page));
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;

  if (items != NULL)
    return items;

  if (g_hash_table_size (self->pages) >= MAX_PAGES)
    g_hash_table_remove_all (self->pages);

  /* One indexed read of PAGE_SIZE rows by rowid: well under a frame */
  events = fetch_page (self->cache, self->index, page, &error);
  if (events == NULL)
    g_warning ("Cannot read timeline events: %s", error->message);

  items = items_from_events (self, self->index, page, events);
  g_hash_table_insert (self->pages, GUINT_TO_POINTER (page), items);

  return items;
}

static GType
rp_timeline_model_get_item_type (GListModel *model)
{
  return RP_TYPE_TIMELINE_ITEM;
}

static guint
rp_timeline_model_get_n_items (GListModel *model)
{
  RpTimelineModel *self = RP_TIMELINE_MODEL (model);

  return self->n_exposed;
}

static RpTimelineItem *
make_item (RpTimelineModel *self,
           guint            position)
{
  gint32 v = g_array_index (self->layout, gint32, position);
  if (v < 0)
    {
      const RpTimelineEntry *entry = &g_array_index (self->index, RpTimelineEntry, -(v + 1));
      guint ordinal = g_array_index (self->header_ordinal, guint, position);

      return rp_timeline_item_new_header (entry->at_usec,
                                          g_array_index (self->day_counts, guint, ordinal));
    }
  else
    {
      GPtrArray *items = ensure_page (self, v / PAGE_SIZE);

      return g_object_ref (g_ptr_array_index (items, v % PAGE_SIZE));
    }
}

static gpointer
rp_timeline_model_get_item (GListModel *model,
                            guint       position)
{
  RpTimelineModel *self = RP_TIMELINE_MODEL (model);
  RpTimelineItem *item;

  if (self->layout == NULL || position >= self->n_exposed)
    return NULL;

  if (position >= N_SLOTS)
    return make_item (self, position);

  if (position < self->slots->len && g_ptr_array_index (self->slots, position) != NULL)
    return g_object_ref (g_ptr_array_index (self->slots, position));

  item = make_item (self, position);
  if (self->slots->len <= position)
    g_ptr_array_set_size (self->slots, position + 1);
  g_ptr_array_index (self->slots, position) = g_object_ref (item);

  return item;
}

/* Rows [start, end) were replaced: the items handed out there show the new
 * rows instead, so GtkListView finds them again and keeps their widgets.
 * Past @end the rows moved or went: those items are left to the list. */
static void
recycle_slots (RpTimelineModel *self,
               guint            start,
               guint            end)
{
  for (guint i = start; i < MIN (end, self->slots->len); i++)
    {
      RpTimelineItem *slot = g_ptr_array_index (self->slots, i);
      g_autoptr(RpTimelineItem) fresh = NULL;

      if (slot == NULL)
        continue;
      fresh = make_item (self, i);
      rp_timeline_item_assign (slot, fresh);
    }

  if (self->slots->len > end)
    g_ptr_array_set_size (self->slots, end);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = rp_timeline_model_get_item_type;
  iface->get_n_items = rp_timeline_model_get_n_items;
  iface->get_item = rp_timeline_model_get_item;
}

static void
rp_timeline_model_finalize (GObject *object)
{
  RpTimelineModel *self = (RpTimelineModel *)object;

  g_clear_object (&self->cache);
  g_clear_pointer (&self->index, g_array_unref);
  g_clear_pointer (&self->layout, g_array_unref);
  g_clear_pointer (&self->day_counts, g_array_unref);
  g_clear_pointer (&self->header_ordinal, g_array_unref);
  g_clear_pointer (&self->pages, g_hash_table_unref);
  g_clear_pointer (&self->expanded_set, g_hash_table_unref);
  g_clear_pointer (&self->slots, g_ptr_array_unref);
  g_clear_pointer (&self->customer_id, g_free);

  G_OBJECT_CLASS (rp_timeline_model_parent_class)->finalize (object);
}

static void
rp_timeline_model_class_init (RpTimelineModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = rp_timeline_model_finalize;
}

static void
clear_slot (RpTimelineItem *item)
{
  g_clear_object (&item);
}

static void
rp_timeline_model_init (RpTimelineModel *self)
{
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
  self->expanded_set = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  /* Rows not asked for yet are NULL */
  self->slots = g_ptr_array_new_with_free_func ((GDestroyNotify) clear_slot);
}

RpTimelineModel *
rp_timeline_model_new (RpCache *cache)
{
  RpTimelineModel *self;

  g_return_val_if_fail (RP_IS_CACHE (cache), NULL);

  self = g_object_new (RP_TYPE_TIMELINE_MODEL, NULL);
  self->cache = g_object_ref (cache);

  return self;
}

/* What a layout position shows, to tell which rows two layouts share: an
 * event by its rowid, a day header by its day and how many events it heads */
typedef struct
{
  gint64   key;
  guint    count;
  gboolean header;
} RowKey;

static RowKey
row_key (GArray *index,
         GArray *layout,
         GArray *day_counts,
         guint   ordinal,
         guint   position)
{
  gint32 v = g_array_index (layout, gint32, position);
  RowKey key = { 0 };

  if (v >= 0)
    key.key = g_array_index (index, RpTimelineEntry, v).rowid;
  else
    {
      key.header = TRUE;
      key.key = local_day (g_array_index (index, RpTimelineEntry, -(v + 1)).at_usec);
      key.count = g_array_index (day_counts, guint, ordinal);
    }

  return key;
}

static gboolean
row_key_equal (RowKey a,
               RowKey b)
{
  return a.header == b.header && a.key == b.key && a.count == b.count;
}

/* The rows both layouts share at their start and at their end, so a reload
 * that brought a new event announces only what changed, and GtkListView
 * keeps what it shows (and where it is scrolled) for the rest */
static void
common_ends (RpTimelineModel *self,
             Layout          *layout,
             guint           *out_prefix,
             guint           *out_suffix)
{
  guint old_n = self->layout ? self->layout->len : 0;
  guint new_n = layout && layout->layout ? layout->layout->len : 0;
  guint prefix = 0, suffix = 0;
  guint old_headers = 0, new_headers = 0;

  *out_prefix = *out_suffix = 0;
  if (old_n == 0 || new_n == 0)
    return;

  while (prefix < old_n && prefix < new_n)
    {
      gboolean old_header = g_array_index (self->layout, gint32, prefix) < 0;
      gboolean new_header = g_array_index (layout->layout, gint32, prefix) < 0;
      RowKey a = row_key (self->index, self->layout, self->day_counts, old_headers, prefix);
      RowKey b = row_key (layout->index, layout->layout, layout->day_counts, new_headers, prefix);

      if (!row_key_equal (a, b))
        break;
      old_headers += old_header;
      new_headers += new_header;
      prefix++;
    }

  old_headers = self->day_counts->len;
  new_headers = layout->day_counts->len;
  while (suffix < old_n - prefix && suffix < new_n - prefix)
    {
      guint op = old_n - 1 - suffix, np = new_n - 1 - suffix;
      gboolean old_header = g_array_index (self->layout, gint32, op) < 0;
      gboolean new_header = g_array_index (layout->layout, gint32, np) < 0;
      RowKey a, b;

      a = row_key (self->index, self->layout, self->day_counts,
                   old_headers - (old_header ? 1 : 0), op);
      b = row_key (layout->index, layout->layout, layout->day_counts,
                   new_headers - (new_header ? 1 : 0), np);
      if (!row_key_equal (a, b))
        break;
      old_headers -= old_header;
      new_headers -= new_header;
      suffix++;
    }

  *out_prefix = prefix;
  *out_suffix = suffix;
}

/* @same_customer: rows the two layouts share at their ends stay as they
 * are; another customer's rows are all new, however alike they look */
static void
replace (RpTimelineModel *self,
         Layout          *layout,
         gboolean         same_customer)
{
  guint old_n = self->n_exposed;
  guint new_n;
  guint prefix = 0, suffix = 0;
  guint removed, added;

  if (same_customer)
    common_ends (self, layout, &prefix, &suffix);

  g_hash_table_remove_all (self->pages);
  g_clear_pointer (&self->index, g_array_unref);
  g_clear_pointer (&self->layout, g_array_unref);
  g_clear_pointer (&self->day_counts, g_array_unref);
  g_clear_pointer (&self->header_ordinal, g_array_unref);

  if (layout != NULL)
    {
      guint ordinal = 0;

      self->index = g_steal_pointer (&layout->index);
      self->layout = g_steal_pointer (&layout->layout);
      self->day_counts = g_steal_pointer (&layout->day_counts);
      self->header_ordinal = g_array_sized_new (FALSE, TRUE, sizeof (guint), self->layout->len);
      g_array_set_size (self->header_ordinal, self->layout->len);
      for (guint i = 0; i < self->layout->len; i++)
        if (g_array_index (self->layout, gint32, i) < 0)
          g_array_index (self->header_ordinal, guint, i) = ordinal++;

      for (guint page = 0; page < PREFETCH_PAGES; page++)
        if (layout->first_pages[page] != NULL)
          g_hash_table_insert (self->pages, GUINT_TO_POINTER (page),
                               items_from_events (self, self->index, page, layout->first_pages[page]));
    }

  new_n = self->layout ? self->layout->len : 0;
  removed = old_n - prefix - suffix;
  added = new_n - prefix - suffix;
  recycle_slots (self, prefix, prefix + MIN (removed, added));

  /* When a row GtkListView follows (the one scrolled to, the focused one)
   * is among the removed, GTK 4.8 asks for every added row to look for it:
   * 10 000 items made and pages read for nothing.  The rows past the first
   * N_SLOTS are announced apart, as an insertion, which it does not search. */
  if (suffix == 0 && removed > 0 && added > N_SLOTS)
    {
      self->n_exposed = prefix + N_SLOTS;
      g_list_model_items_changed (G_LIST_MODEL (self), prefix, removed, N_SLOTS);
      self->n_exposed = new_n;
      g_list_model_items_changed (G_LIST_MODEL (self), prefix + N_SLOTS, 0, added - N_SLOTS);
    }
  else
    {
      self->n_exposed = new_n;
      if (removed > 0 || added > 0)
        g_list_model_items_changed (G_LIST_MODEL (self), prefix, removed, added);
    }
}

void
rp_timeline_model_load_async (RpTimelineModel     *self,
                              const char          *customer_id,
                              RpKindMask           kinds,
                              const char          *channel,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  LoadData *data;

  g_return_if_fail (RP_IS_TIMELINE_MODEL (self));
  g_return_if_fail (customer_id != NULL);

  data = g_new0 (LoadData, 1);
  data->customer_id = g_strdup (customer_id);
  data->channel = g_strdup (channel);
  data->kinds = kinds;
  data->generation = ++self->generation;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, rp_timeline_model_load_async);
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);
  g_task_run_in_thread (task, load_thread);
}

gboolean
rp_timeline_model_load_finish (RpTimelineModel  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  LoadData *data;
  Layout *layout;
  gboolean same_customer;

  g_return_val_if_fail (RP_IS_TIMELINE_MODEL (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  data = g_task_get_task_data (G_TASK (result));
  layout = g_task_propagate_pointer (G_TASK (result), error);
  if (layout == NULL)
    return FALSE;

  /* A newer load was started meanwhile: its result wins */
  if (data->generation != self->generation)
    {
      layout_free (layout);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Superseded");
      return FALSE;
    }

  same_customer = g_strcmp0 (data->customer_id, self->customer_id) == 0;
  if (!same_customer)
    {
      g_free (self->customer_id);
      self->customer_id = g_strdup (data->customer_id);
      g_hash_table_remove_all (self->expanded_set);
    }

  replace (self, layout, same_customer);
  layout_free (layout);

  return TRUE;
}

void
rp_timeline_model_clear (RpTimelineModel *self)
{
  g_return_if_fail (RP_IS_TIMELINE_MODEL (self));

  self->generation++;
  g_hash_table_remove_all (self->expanded_set);
  g_clear_pointer (&self->customer_id, g_free);
  replace (self, NULL, FALSE);
}

guint
rp_timeline_model_get_n_events (RpTimelineModel *self)
{
  g_return_val_if_fail (RP_IS_TIMELINE_MODEL (self), 0);

  return self->index ? self->index->len : 0;
}

guint
rp_timeline_model_find_rowid (RpTimelineModel *self,
                              gint64           rowid)
{
  g_return_val_if_fail (RP_IS_TIMELINE_MODEL (self), G_MAXUINT);

  for (guint i = 0; self->layout && i < self->layout->len; i++)
    {
      gint32 v = g_array_index (self->layout, gint32, i);

      if (v >= 0 && g_array_index (self->index, RpTimelineEntry, v).rowid == rowid)
        return i;
    }

  return G_MAXUINT;
}
