/* test-demo.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "rp-demo.h"
#include "rp-doc.h"
#include "test-util.h"

/* 2026-11-23T11:00:00Z: fixed, so every run sees the same data */
#define TEST_NOW (G_GINT64_CONSTANT (1795431600) * G_USEC_PER_SEC)

typedef struct
{
  GPtrArray *docs;  /* of JsonNode */
  GString   *text;  /* every document, one per line */
} Collected;

static gboolean
collect_cb (JsonNode  *doc,
            gpointer   user_data,
            GError   **error)
{
  Collected *collected = user_data;

  if (collected->docs != NULL)
    g_ptr_array_add (collected->docs, json_node_ref (doc));
  rp_json_append (collected->text, doc, FALSE);
  g_string_append_c (collected->text, '\n');
  return TRUE;
}

static void
options_for_test (RpDemoOptions *options,
                  guint          n_customers,
                  guint          n_heavy)
{
  rp_demo_options_init (options);
  options->n_customers = n_customers;
  options->n_heavy = n_heavy;
  options->now_usec = TEST_NOW;
}

static GPtrArray *
generate (const RpDemoOptions *options)
{
  g_autoptr(GError) error = NULL;
  Collected collected = {
    g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref),
    g_string_new (NULL),
  };

  g_assert_true (rp_demo_generate (options, collect_cb, &collected, &error));
  g_assert_no_error (error);
  g_string_free (collected.text, TRUE);
  return collected.docs;
}

static char *
generate_text (const RpDemoOptions *options)
{
  g_autoptr(GError) error = NULL;
  Collected collected = { NULL, g_string_new (NULL) };

  g_assert_true (rp_demo_generate (options, collect_cb, &collected, &error));
  g_assert_no_error (error);
  return g_string_free (collected.text, FALSE);
}

static JsonObject *
doc_at (GPtrArray *docs,
        guint      i)
{
  return json_node_get_object (g_ptr_array_index (docs, i));
}

/* The documents as the cache's apply path reads them */
static GPtrArray *
trees_of (GPtrArray *docs)
{
  GPtrArray *trees = g_ptr_array_new_full (docs->len, (GDestroyNotify) rp_json_tree_unref);

  for (guint i = 0; i < docs->len; i++)
    g_ptr_array_add (trees, rp_json_tree_new_from_node (g_ptr_array_index (docs, i)));
  return trees;
}

static const RpJsonValue *
value_at (GPtrArray *trees,
          guint      i)
{
  return rp_json_tree_get_root (g_ptr_array_index (trees, i));
}

static const char *
type_of (JsonObject *doc)
{
  return rp_json_string (doc, "type");
}

static gint64
time_of (JsonObject *doc,
         const char *member)
{
  gint64 usec = 0;

  g_assert_true (rp_parse_timestamp (rp_json_string (doc, member), &usec));
  return usec;
}

static gboolean
is_uuid_v4 (const char *str)
{
  static const char pattern[] = "xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx";

  if (strlen (str) != sizeof pattern - 1)
    return FALSE;
  for (guint i = 0; pattern[i]; i++)
    {
      if (pattern[i] == '-' || pattern[i] == '4')
        {
          if (str[i] != pattern[i])
            return FALSE;
        }
      else if (pattern[i] == 'V')
        {
          if (strchr ("89ab", str[i]) == NULL)
            return FALSE;
        }
      else if (strchr ("0123456789abcdef", str[i]) == NULL)
        return FALSE;
    }
  return TRUE;
}

static void
test_deterministic (void)
{
  RpDemoOptions options;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  options_for_test (&options, 150, 0);
  first = generate_text (&options);
  second = generate_text (&options);
  g_assert_cmpuint (strlen (first), >, 10000);
  g_assert_cmpstr (first, ==, second);
}

static void
test_seed_differs (void)
{
  RpDemoOptions options;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *later = NULL;

  options_for_test (&options, 100, 0);
  first = generate_text (&options);
  options.seed = 2;
  second = generate_text (&options);
  g_assert_cmpstr (first, !=, second);

  /* "now" moves the whole history with it */
  options.seed = 1;
  options.now_usec += 7 * G_TIME_SPAN_DAY;
  later = generate_text (&options);
  g_assert_cmpstr (first, !=, later);
}

static void
test_valid (void)
{
  RpDemoOptions options;
  g_autoptr(GPtrArray) docs = NULL;
  g_autoptr(GPtrArray) trees = NULL;
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) customers = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) tickets = g_hash_table_new (g_str_hash, g_str_equal);
  guint n_customers = 0;

  options_for_test (&options, 400, 0);
  docs = generate (&options);
  trees = trees_of (docs);

  for (guint i = 0; i < docs->len; i++)
    {
      JsonObject *doc = doc_at (docs, i);
      g_autoptr(GError) error = NULL;
      RpDocType type = RP_DOC_UNKNOWN;
      const char *id = rp_json_string (doc, "_id");
      const char *type_str = type_of (doc);
      const char *customer_id;
      const char *colon;

      g_assert_true (rp_doc_validate (value_at (trees, i), &type, &error));
      g_assert_no_error (error);
      g_assert_cmpint (type, !=, RP_DOC_UNKNOWN);
      g_assert_cmpint (rp_json_int (doc, "schema", 0), ==, 1);

      /* the sync contract: `<type>:<id>`, unique, UUIDv4 where the app would make one */
      colon = strchr (id, ':');
      g_assert_nonnull (colon);
      g_assert_cmpint (colon - id, ==, strlen (type_str));
      g_assert_true (strncmp (id, type_str, colon - id) == 0);
      g_assert_true (g_hash_table_add (ids, (gpointer) id));
      if (type != RP_DOC_ORDER && type != RP_DOC_AGENT && type != RP_DOC_QUEUE)
        g_assert_true (is_uuid_v4 (colon + 1));

      /* RFC 3339 UTC with a Z, nothing after now */
      g_assert_true (g_str_has_suffix (rp_json_string (doc, "at"), "Z"));
      g_assert_cmpint (time_of (doc, "at"), <=, TEST_NOW);

      /* each customer comes before its own documents, each ticket before its events */
      customer_id = rp_doc_customer_id (value_at (trees, i), type);
      if (type == RP_DOC_CUSTOMER)
        {
          g_hash_table_add (customers, (gpointer) id);
          n_customers++;
        }
      else if (customer_id != NULL)
        g_assert_true (g_hash_table_contains (customers, customer_id));
      if (type == RP_DOC_TICKET)
        g_hash_table_add (tickets, (gpointer) id);
      if (type == RP_DOC_TICKET_EVENT)
        g_assert_true (g_hash_table_contains (tickets, rp_json_string (doc, "ticket_id")));
      if ((type == RP_DOC_INTERACTION || type == RP_DOC_SURVEY) && rp_json_string (doc, "ticket_id"))
        g_assert_true (g_hash_table_contains (tickets, rp_json_string (doc, "ticket_id")));
    }

  g_assert_cmpuint (n_customers, ==, 400);
}

static void
test_japanese_ratio (void)
{
  RpDemoOptions options;
  g_autoptr(GPtrArray) docs = NULL;
  guint ja = 0, en = 0;

  options_for_test (&options, 3000, 0);
  docs = generate (&options);

  for (guint i = 0; i < docs->len; i++)
    {
      JsonObject *doc = doc_at (docs, i);
      const char *language;
      JsonObject *name, *kana;
      const char *phone, *currency;

      if (g_strcmp0 (type_of (doc), "customer") != 0)
        continue;
      language = rp_json_string (doc, "language");
      name = json_object_get_object_member (doc, "name");
      phone = json_array_get_string_element (json_object_get_array_member (doc, "phones"), 0);
      currency = rp_json_string (json_object_get_object_member (doc, "lifetime_value"), "currency");

      if (g_strcmp0 (language, "ja") == 0)
        {
          ja++;
          /* kanji names with hiragana readings, +81, yen */
          kana = json_object_get_object_member (doc, "kana");
          g_assert_nonnull (kana);
          g_assert_cmpint (g_utf8_get_char (rp_json_string (name, "family")), >=, 0x3040);
          g_assert_cmpint (g_utf8_get_char (rp_json_string (kana, "family")), >=, 0x3041);
          g_assert_cmpint (g_utf8_get_char (rp_json_string (kana, "family")), <=, 0x309f);
          g_assert_true (g_str_has_prefix (phone, "+81"));
          g_assert_cmpstr (currency, ==, "JPY");
        }
      else
        {
          en++;
          g_assert_cmpstr (language, ==, "en");
          g_assert_false (json_object_has_member (doc, "kana"));
          g_assert_true (g_ascii_isupper (rp_json_string (name, "family")[0]));
          g_assert_true (g_str_has_prefix (phone, "+1") || g_str_has_prefix (phone, "+44"));
          g_assert_true (g_strcmp0 (currency, "USD") == 0 || g_strcmp0 (currency, "GBP") == 0);
        }
    }

  g_assert_cmpuint (ja + en, ==, 3000);
  g_assert_cmpuint (ja, >=, 3000 * 55 / 100);
  g_assert_cmpuint (ja, <=, 3000 * 65 / 100);
}

static void
test_heavy (void)
{
  RpDemoOptions options;
  g_autoptr(GPtrArray) docs = NULL;
  g_autoptr(GPtrArray) trees = NULL;
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer value;
  guint heavy = 0, customers = 0, events = 0;

  options_for_test (&options, 60, 3);
  docs = generate (&options);
  trees = trees_of (docs);

  for (guint i = 0; i < docs->len; i++)
    {
      JsonObject *doc = doc_at (docs, i);
      RpDocType type = rp_doc_type_from_string (type_of (doc));
      const char *customer_id = rp_doc_customer_id (value_at (trees, i), type);

      if (type == RP_DOC_CUSTOMER)
        {
          customers++;
          continue;
        }
      if (customer_id == NULL)
        continue;
      events++;
      g_hash_table_insert (counts, (gpointer) customer_id,
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (counts, customer_id)) + 1));
    }

  g_hash_table_iter_init (&iter, counts);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (GPOINTER_TO_UINT (value) >= 5000)
      heavy++;
  g_assert_cmpuint (customers, ==, 60);
  g_assert_cmpuint (heavy, ==, 3);

  /* without heavy customers the average is about ten events each */
  options_for_test (&options, 2000, 0);
  g_clear_pointer (&docs, g_ptr_array_unref);
  g_clear_pointer (&trees, g_ptr_array_unref);
  docs = generate (&options);
  trees = trees_of (docs);
  events = 0;
  for (guint i = 0; i < docs->len; i++)
    {
      JsonObject *doc = doc_at (docs, i);
      RpDocType type = rp_doc_type_from_string (type_of (doc));

      if (type != RP_DOC_CUSTOMER && rp_doc_customer_id (value_at (trees, i), type) != NULL)
        events++;
    }
  g_assert_cmpuint (events, >=, 2000 * 8);
  g_assert_cmpuint (events, <=, 2000 * 12);

  /* below 20 customers there are none */
  options_for_test (&options, 10, 3);
  g_clear_pointer (&docs, g_ptr_array_unref);
  docs = generate (&options);
  g_assert_cmpuint (docs->len, <, 5000);
}

typedef struct
{
  JsonObject *ticket;
  GPtrArray  *events;
} TicketFold;

static int
compare_events (gconstpointer a,
                gconstpointer b)
{
  JsonObject *x = *(JsonObject **) a;
  JsonObject *y = *(JsonObject **) b;
  int cmp = g_strcmp0 (rp_json_string (x, "at"), rp_json_string (y, "at"));

  return cmp != 0 ? cmp : g_strcmp0 (rp_json_string (x, "_id"), rp_json_string (y, "_id"));
}

static void
ticket_fold_free (gpointer data)
{
  TicketFold *fold = data;

  g_ptr_array_unref (fold->events);
  g_free (fold);
}

static void
test_ticket_dues (void)
{
  RpDemoOptions options;
  g_autoptr(GPtrArray) docs = NULL;
  g_autoptr(GHashTable) sla = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) folds = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, ticket_fold_free);
  g_autoptr(GHashTable) agents = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer value;
  guint open = 0, breached = 0, due_later = 0, due_soon = 0, solved = 0, handoffs = 0;
  guint n_agents = 0, n_supervisors = 0;

  options_for_test (&options, 1500, 0);
  docs = generate (&options);

  for (guint i = 0; i < docs->len; i++)
    {
      JsonObject *doc = doc_at (docs, i);
      const char *type = type_of (doc);

      if (g_strcmp0 (type, "queue") == 0)
        g_hash_table_insert (sla, (gpointer) (rp_json_string (doc, "_id") + strlen ("queue:")),
                             json_object_get_object_member (doc, "sla"));
      else if (g_strcmp0 (type, "agent") == 0)
        {
          g_hash_table_add (agents, (gpointer) (rp_json_string (doc, "_id") + strlen ("agent:")));
          if (g_strcmp0 (rp_json_string (doc, "role"), "supervisor") == 0)
            n_supervisors++;
          else
            n_agents++;
        }
      else if (g_strcmp0 (type, "ticket") == 0)
        {
          TicketFold *fold = g_new0 (TicketFold, 1);
          JsonObject *queue_sla = g_hash_table_lookup (sla, rp_json_string (doc, "queue"));
          gint64 at = time_of (doc, "at");

          /* dues follow from the queue's SLA and the creation time */
          g_assert_nonnull (queue_sla);
          g_assert_cmpint (time_of (doc, "first_response_due") - at, ==,
                           rp_json_int (queue_sla, "first_response_minutes", -1) * G_TIME_SPAN_MINUTE);
          g_assert_cmpint (time_of (doc, "resolution_due") - at, ==,
                           rp_json_int (queue_sla, "resolution_minutes", -1) * G_TIME_SPAN_MINUTE);
          g_assert_true (g_str_has_prefix (rp_json_string (doc, "number"), "T-"));

          fold->ticket = doc;
          fold->events = g_ptr_array_new ();
          g_hash_table_insert (folds, (gpointer) rp_json_string (doc, "_id"), fold);
        }
      else if (g_strcmp0 (type, "ticket_event") == 0)
        {
          TicketFold *fold = g_hash_table_lookup (folds, rp_json_string (doc, "ticket_id"));

          g_assert_nonnull (fold);
          g_assert_cmpint (time_of (doc, "at"), >=, time_of (fold->ticket, "at"));
          g_ptr_array_add (fold->events, doc);
          if (rp_json_string (doc, "handoff") != NULL)
            handoffs++;
        }
    }

  g_assert_cmpuint (g_hash_table_size (sla), >=, 6);
  g_assert_cmpuint (g_hash_table_size (sla), <=, 8);
  g_assert_cmpuint (n_agents, >=, 20);
  g_assert_cmpuint (n_supervisors, ==, 3);
  g_assert_cmpuint (handoffs, >, 0);

  g_hash_table_iter_init (&iter, folds);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      TicketFold *fold = value;
      const char *status = rp_json_string (fold->ticket, "status");
      const char *assignee = rp_json_string (fold->ticket, "assignee");
      const char *queue = rp_json_string (fold->ticket, "queue");
      gint64 due;

      /* emitted in the order the fold applies them: time, then _id */
      for (guint i = 1; i < fold->events->len; i++)
        g_assert_cmpint (compare_events (&g_ptr_array_index (fold->events, i - 1),
                                         &g_ptr_array_index (fold->events, i)), <, 0);
      for (guint i = 0; i < fold->events->len; i++)
        {
          JsonObject *changes = json_object_get_object_member (g_ptr_array_index (fold->events, i), "changes");

          g_assert_nonnull (changes);
          g_assert_cmpuint (json_object_get_size (changes), >, 0);
          if (json_object_has_member (changes, "status"))
            status = rp_json_string (changes, "status");
          if (json_object_has_member (changes, "assignee"))
            assignee = rp_json_string (changes, "assignee");
          if (json_object_has_member (changes, "queue"))
            queue = rp_json_string (changes, "queue");
        }
      g_assert_true (g_hash_table_contains (sla, queue));
      g_assert_true (assignee == NULL || g_hash_table_contains (agents, assignee));

      due = time_of (fold->ticket, "resolution_due");
      if (g_strcmp0 (status, "solved") == 0 || g_strcmp0 (status, "closed") == 0)
        solved++;
      else
        {
          open++;
          if (due < TEST_NOW)
            breached++;
          else if (due - TEST_NOW <= 30 * G_TIME_SPAN_MINUTE)
            due_soon++;
          else
            due_later++;
        }
    }

  /* the supervisor view has something in every column, but most work is done */
  g_assert_cmpuint (breached, >, 0);
  g_assert_cmpuint (due_soon, >, 0);
  g_assert_cmpuint (due_later, >, 0);
  g_assert_cmpuint (solved, >, open);
}

static void
test_consistent (void)
{
  RpDemoOptions options;
  g_autoptr(GPtrArray) docs = NULL;
  g_autoptr(GHashTable) value = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr(GHashTable) unique = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) consent_state = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint withdrawals_after_grant = 0, pinned = 0, csat = 0, nps = 0;

  options_for_test (&options, 800, 0);
  docs = generate (&options);

  for (guint i = 0; i < docs->len; i++)
    {
      JsonObject *doc = doc_at (docs, i);
      const char *type = type_of (doc);

      g_hash_table_add (seen, g_strdup (type));

      if (g_strcmp0 (type, "order") == 0)
        {
          JsonArray *items = json_object_get_array_member (doc, "items");
          const char *status = rp_json_string (doc, "status");
          gint64 sum = 0;

          g_assert_cmpuint (json_array_get_length (items), >, 0);
          for (guint j = 0; j < json_array_get_length (items); j++)
            {
              JsonObject *item = json_array_get_object_element (items, j);

              g_assert_nonnull (rp_json_string (item, "sku"));
              g_assert_nonnull (rp_json_string (item, "name"));
              g_assert_cmpint (rp_json_int (item, "quantity", 0), >, 0);
              sum += rp_json_int (item, "quantity", 0) * rp_json_int (item, "unit_price", 0);
            }
          g_assert_cmpint (rp_json_int (doc, "total", -1), ==, sum);
          g_assert_cmpstr (rp_json_string (doc, "_id") + strlen ("order:"), ==, rp_json_string (doc, "number"));

          if (g_strcmp0 (status, "paid") == 0 || g_strcmp0 (status, "shipped") == 0 ||
              g_strcmp0 (status, "delivered") == 0)
            {
              gint64 *ltv = g_hash_table_lookup (value, rp_json_string (doc, "customer_id"));

              if (ltv == NULL)
                {
                  ltv = g_new0 (gint64, 1);
                  g_hash_table_insert (value, (gpointer) rp_json_string (doc, "customer_id"), ltv);
                }
              *ltv += sum;
            }
          g_hash_table_add (seen, g_strconcat ("order-channel:", rp_json_string (doc, "channel"), NULL));
          g_hash_table_add (seen, g_strconcat ("order-status:", status, NULL));
        }
      else if (g_strcmp0 (type, "customer") == 0)
        {
          JsonArray *emails = json_object_get_array_member (doc, "emails");
          JsonArray *phones = json_object_get_array_member (doc, "phones");

          for (guint j = 0; j < json_array_get_length (emails); j++)
            {
              const char *email = json_array_get_string_element (emails, j);

              g_assert_true (g_str_has_suffix (email, "@example.jp") || g_str_has_suffix (email, "@example.com") ||
                             g_str_has_suffix (email, "@example.net") || g_str_has_suffix (email, "@example.org"));
              g_assert_true (g_hash_table_add (unique, g_strdup (email)));
            }
          for (guint j = 0; j < json_array_get_length (phones); j++)
            {
              const char *phone = json_array_get_string_element (phones, j);

              g_assert_true (phone[0] == '+');
              g_assert_cmpuint (strspn (phone + 1, "0123456789"), ==, strlen (phone) - 1);
              g_assert_cmpuint (strlen (phone), >=, 12);
              g_assert_cmpuint (strlen (phone), <=, 16);
              g_assert_true (g_hash_table_add (unique, g_strdup (phone)));
            }
        }
      else if (g_strcmp0 (type, "ticket") == 0)
        g_assert_true (g_hash_table_add (unique, g_strdup (rp_json_string (doc, "number"))));
      else if (g_strcmp0 (type, "interaction") == 0)
        {
          const char *channel = rp_json_string (doc, "channel");

          g_hash_table_add (seen, g_strconcat ("interaction:", channel, ":",
                                               rp_json_string (doc, "direction"), NULL));
          if (rp_json_string (doc, "sentiment"))
            g_hash_table_add (seen, g_strconcat ("sentiment:", rp_json_string (doc, "sentiment"), NULL));
          g_assert_cmpint (json_object_has_member (doc, "duration_s"), ==, g_strcmp0 (channel, "phone") == 0);
        }
      else if (g_strcmp0 (type, "consent") == 0)
        {
          char *key = g_strconcat (rp_json_string (doc, "customer_id"), "/", rp_json_string (doc, "purpose"), NULL);
          const char *state = rp_json_string (doc, "state");

          /* emitted in time order per purpose */
          if (g_strcmp0 (state, "withdrawn") == 0 &&
              g_strcmp0 (g_hash_table_lookup (consent_state, key), "granted") == 0)
            withdrawals_after_grant++;
          g_hash_table_insert (consent_state, key, (gpointer) state);
          g_hash_table_add (seen, g_strconcat ("purpose:", rp_json_string (doc, "purpose"), NULL));
        }
      else if (g_strcmp0 (type, "note") == 0)
        pinned += rp_json_bool (doc, "pinned");
      else if (g_strcmp0 (type, "survey") == 0)
        {
          gint64 score = rp_json_int (doc, "score", -1);

          if (g_strcmp0 (rp_json_string (doc, "kind"), "csat") == 0)
            {
              csat++;
              g_assert_cmpint (score, >=, 1);
              g_assert_cmpint (score, <=, 5);
              g_assert_nonnull (rp_json_string (doc, "ticket_id"));
            }
          else
            {
              nps++;
              g_assert_cmpint (score, >=, 0);
              g_assert_cmpint (score, <=, 10);
            }
        }
    }

  /* lifetime value is what the customer paid for and kept */
  for (guint i = 0; i < docs->len; i++)
    {
      JsonObject *doc = doc_at (docs, i);
      gint64 *ltv;

      if (g_strcmp0 (type_of (doc), "customer") != 0)
        continue;
      ltv = g_hash_table_lookup (value, rp_json_string (doc, "_id"));
      g_assert_cmpint (rp_json_int (json_object_get_object_member (doc, "lifetime_value"), "amount", -1),
                       ==, ltv ? *ltv : 0);
    }

  /* every channel, status and purpose shows up */
  {
    const char *expected[] = {
      "customer", "order", "ticket", "ticket_event", "interaction", "consent", "note", "survey",
      "agent", "queue",
      "order-channel:web", "order-channel:app", "order-channel:store", "order-channel:phone",
      "order-status:placed", "order-status:paid", "order-status:shipped", "order-status:delivered",
      "order-status:cancelled", "order-status:returned", "order-status:refunded",
      "interaction:phone:inbound", "interaction:phone:outbound", "interaction:email:inbound",
      "interaction:email:outbound", "interaction:chat:inbound", "interaction:sms:outbound",
      "interaction:store:inbound", "interaction:web:inbound", "interaction:social:inbound",
      "sentiment:negative", "sentiment:neutral", "sentiment:positive",
      "purpose:marketing_email", "purpose:marketing_sms", "purpose:marketing_phone",
      "purpose:profiling", "purpose:third_party_sharing", "purpose:call_recording",
    };

    for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
      if (!g_hash_table_contains (seen, expected[i]))
        g_error ("nothing of %s", expected[i]);
  }
  g_assert_cmpuint (withdrawals_after_grant, >, 0);
  g_assert_cmpuint (pinned, >, 0);
  g_assert_cmpuint (csat, >, 0);
  g_assert_cmpuint (nps, >, 0);
}

static void
test_export (void)
{
  RpDemoOptions options;
  g_autofree char *dir = test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "demo.json", NULL);
  g_autofree char *partial = g_strconcat (path, ".partial", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_auto(GStrv) lines = NULL;
  g_autoptr(GString) joined = g_string_new (NULL);
  JsonArray *array;
  gsize length;
  guint n_lines;

  options_for_test (&options, 120, 0);
  g_assert_true (rp_demo_export (&options, path, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (partial, G_FILE_TEST_EXISTS));

  /* a valid _bulk_docs body ... */
  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  array = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "docs");
  g_assert_nonnull (array);

  /* ... with the same documents as generate, one per line */
  expected = generate_text (&options);
  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);
  lines = g_strsplit (contents, "\n", -1);
  n_lines = g_strv_length (lines);
  g_assert_cmpstr (lines[0], ==, "{\"docs\": [");
  g_assert_cmpstr (lines[n_lines - 2], ==, "]}");
  g_assert_cmpstr (lines[n_lines - 1], ==, "");
  for (guint i = 1; i < n_lines - 2; i++)
    {
      gsize len = strlen (lines[i]);

      if (i < n_lines - 3)
        {
          g_assert_cmpint (lines[i][len - 1], ==, ',');
          len--;
        }
      g_string_append_len (joined, lines[i], len);
      g_string_append_c (joined, '\n');
    }
  g_assert_cmpuint (json_array_get_length (array), ==, n_lines - 3);
  g_assert_cmpstr (joined->str, ==, expected);

  /* an unwritable path is an error, not a crash */
  g_clear_pointer (&path, g_free);
  path = g_build_filename (dir, "missing", "demo.json", NULL);
  g_assert_false (rp_demo_export (&options, path, &error));
  g_assert_error (error, RP_ERROR, RP_ERROR_IO);

  test_remove_dir (dir);
}

static gboolean
stop_cb (JsonNode  *doc,
         gpointer   user_data,
         GError   **error)
{
  guint *count = user_data;

  if (++*count == 100)
    {
      g_set_error_literal (error, RP_ERROR, RP_ERROR_FULL, "full");
      return FALSE;
    }
  return TRUE;
}

static void
test_emit_stops (void)
{
  RpDemoOptions options;
  g_autoptr(GError) error = NULL;
  guint count = 0;

  options_for_test (&options, 200, 3);
  g_assert_false (rp_demo_generate (&options, stop_cb, &count, &error));
  g_assert_error (error, RP_ERROR, RP_ERROR_FULL);
  g_assert_cmpuint (count, ==, 100);
}

static void
test_defaults (void)
{
  RpDemoOptions options;

  rp_demo_options_init (&options);
  g_assert_cmpuint (options.n_customers, ==, 200);
  g_assert_cmpuint (options.seed, ==, 1);
  g_assert_cmpuint (options.n_heavy, ==, 3);
  g_assert_cmpint (options.now_usec % (G_TIME_SPAN_HOUR), ==, 0);
  g_assert_cmpint (options.now_usec, <=, g_get_real_time ());
  g_assert_cmpint (options.now_usec, >, g_get_real_time () - G_TIME_SPAN_HOUR - G_TIME_SPAN_SECOND);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/demo/defaults", test_defaults);
  g_test_add_func ("/demo/deterministic", test_deterministic);
  g_test_add_func ("/demo/seed-differs", test_seed_differs);
  g_test_add_func ("/demo/valid", test_valid);
  g_test_add_func ("/demo/japanese-ratio", test_japanese_ratio);
  g_test_add_func ("/demo/heavy", test_heavy);
  g_test_add_func ("/demo/ticket-dues", test_ticket_dues);
  g_test_add_func ("/demo/consistent", test_consistent);
  g_test_add_func ("/demo/export", test_export);
  g_test_add_func ("/demo/emit-stops", test_emit_stops);

  return g_test_run ();
}
