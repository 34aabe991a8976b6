/* display-util.c: waiting for and looking at a real window under Xvfb
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "display-util.h"

#include <locale.h>
#include <glib/gi18n.h>
#include <adwaita.h>

void
rp_test_display_init (int    *argc,
                      char ***argv)
{
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("RAPPORT_LOCALEDIR") ?: LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  gtk_test_init (argc, argv, NULL);
  setlocale (LC_ALL, "");
  adw_init ();
}

RpApplication *
rp_test_application_new (void)
{
  g_autoptr(GError) error = NULL;
  RpApplication *app = rp_application_new ();

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  return app;
}

static gboolean
timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

void
rp_test_wait_until (RpTestPredicate predicate,
                    gpointer        data)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (90, timeout_cb, &timed_out);

  while (!predicate (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  g_assert_false (timed_out);
}

static gboolean
flag_is_set (gpointer data)
{
  return *(gboolean *) data;
}

void
rp_test_wait_for_flag (gboolean *flag)
{
  rp_test_wait_until (flag_is_set, flag);
}

void
rp_test_set_flag_cb (gpointer flag)
{
  *(gboolean *) flag = TRUE;
}

void
rp_test_flag_signal_cb (GObject  *object,
                        gpointer  flag)
{
  *(gboolean *) flag = TRUE;
}

void
rp_test_wait_signal (gpointer    instance,
                     const char *signal)
{
  gboolean done = FALSE;
  gulong id = g_signal_connect (instance, signal, G_CALLBACK (rp_test_flag_signal_cb), &done);

  rp_test_wait_for_flag (&done);
  g_signal_handler_disconnect (instance, id);
}

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       flag)
{
  *(gboolean *) flag = TRUE;
}

void
rp_test_wait_for_paint (GtkWidget *widget)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  gboolean painted = FALSE;
  gulong id;

  g_assert_nonnull (clock);
  id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &painted);
  gtk_widget_queue_draw (widget);
  rp_test_wait_for_flag (&painted);
  g_signal_handler_disconnect (clock, id);
}

void
rp_test_settle (GtkWidget *widget)
{
  gboolean done = FALSE;

  g_timeout_add_once (400, rp_test_set_flag_cb, &done);
  rp_test_wait_for_flag (&done);
  rp_test_wait_for_paint (widget);
}

void
rp_test_screenshot (GtkWidget  *widget,
                    const char *file)
{
  const char *dir = g_getenv ("RAPPORT_SCREENSHOT_DIR");
  g_autofree char *path = NULL;
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkSnapshot *snapshot;
  GskRenderNode *node;
  int width, height;

  rp_test_wait_for_paint (widget);

  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);

  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gsk_render_node_unref (node);

  path = g_build_filename (dir ? dir : ".", file, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

char *
rp_test_screenshot_name (const char *prefix,
                         const char *name)
{
  const char *lang = setlocale (LC_MESSAGES, NULL);

  return g_strdup_printf ("%s%s%s.png", prefix, name,
                          lang != NULL && g_str_has_prefix (lang, "ja") ? "-ja" : "");
}

static void
collect_text (GtkWidget *widget,
              GString   *out)
{
  if (!gtk_widget_get_visible (widget))
    return;
  if (GTK_IS_LABEL (widget))
    {
      g_string_append (out, gtk_label_get_text (GTK_LABEL (widget)));
      g_string_append_c (out, '\n');
    }
  else if (GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)))
    {
      g_string_append (out, gtk_button_get_label (GTK_BUTTON (widget)));
      g_string_append_c (out, '\n');
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    collect_text (child, out);
}

char *
rp_test_text_of (GtkWidget *widget)
{
  GString *out = g_string_new (NULL);

  collect_text (widget, out);
  return g_string_free (out, FALSE);
}
