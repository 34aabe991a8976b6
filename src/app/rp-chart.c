/* rp-chart.c: the queues page's charts, drawn with GtkSnapshot
 *
 * Colours are libadwaita's named colours, looked up at draw time, so the
 * charts follow the light and dark styles.  Every chart also says what it
 * shows in words (accessible description and tooltip).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "rp-chart"

#include "config.h"

#include <glib/gi18n.h>

#include "rp-doc.h"
#include "rp-chart.h"

#define ROW_HEIGHT 26
#define BAR_HEIGHT 16
#define LEGEND_HEIGHT 26
#define LABEL_WIDTH 150
#define HOURLY_HEIGHT 150

typedef struct
{
  char *name;
  int   breached, at_risk, on_time;
} Bar;

struct _RpChart
{
  GtkWidget    parent_instance;

  RpChartKind  kind;
  GArray      *bars;        /* Bar */
  guint        hourly[24];
  int          current_hour;
  char        *text;
};

G_DEFINE_FINAL_TYPE (RpChart, rp_chart, GTK_TYPE_WIDGET)

static void
bar_clear (Bar *bar)
{
  g_free (bar->name);
}

/* GTK 4.8 has no gtk_widget_get_color (); the style context is the way */
G_GNUC_BEGIN_IGNORE_DEPRECATIONS
static GdkRGBA
named_color (GtkWidget  *widget,
             const char *name,
             const char *fallback)
{
  GtkStyleContext *context = gtk_widget_get_style_context (widget);
  GdkRGBA color;

  if (name == NULL)
    gtk_style_context_get_color (context, &color);
  else if (!gtk_style_context_lookup_color (context, name, &color))
    gdk_rgba_parse (&color, fallback);
  return color;
}
G_GNUC_END_IGNORE_DEPRECATIONS

static void
draw_text (RpChart     *self,
           GtkSnapshot *snapshot,
           const char  *text,
           float        x,
           float        y,
           float        max_width,
           gboolean     right,
           const GdkRGBA *color)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  int width, height;

  if (max_width > 0)
    {
      pango_layout_set_width (layout, (int) (max_width * PANGO_SCALE));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
    }
  pango_layout_get_pixel_size (layout, &width, &height);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (right ? x - width : x, y - height / 2.0f));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static void
draw_legend_item (RpChart       *self,
                  GtkSnapshot   *snapshot,
                  float         *x,
                  const GdkRGBA *swatch,
                  const char    *label,
                  const GdkRGBA *fg)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), label);
  int width, height;

  gtk_snapshot_append_color (snapshot, swatch, &GRAPHENE_RECT_INIT (*x, LEGEND_HEIGHT / 2.0f - 5, 10, 10));
  draw_text (self, snapshot, label, *x + 14, LEGEND_HEIGHT / 2.0f, 0, FALSE, fg);
  pango_layout_get_pixel_size (layout, &width, &height);
  *x += 14 + width + 16;
}

static void
snapshot_backlog (RpChart     *self,
                  GtkSnapshot *snapshot,
                  float        width)
{
  GdkRGBA fg = named_color (GTK_WIDGET (self), NULL, "black");
  GdkRGBA breached = named_color (GTK_WIDGET (self), "error_bg_color", "#c01c28");
  GdkRGBA at_risk = named_color (GTK_WIDGET (self), "warning_bg_color", "#cd9309");
  GdkRGBA on_time = named_color (GTK_WIDGET (self), "accent_bg_color", "#3584e4");
  GdkRGBA track = fg;
  float x = 0, bar_width = MAX (width - LABEL_WIDTH - 48, 40);
  int max = 1;

  track.alpha = 0.08f;
  draw_legend_item (self, snapshot, &x, &breached, _("Breached"), &fg);
  draw_legend_item (self, snapshot, &x, &at_risk, _("At risk"), &fg);
  draw_legend_item (self, snapshot, &x, &on_time, _("On time"), &fg);

  for (guint i = 0; i < self->bars->len; i++)
    {
      Bar *bar = &g_array_index (self->bars, Bar, i);
      max = MAX (max, bar->breached + bar->at_risk + bar->on_time);
    }

  for (guint i = 0; i < self->bars->len; i++)
    {
      Bar *bar = &g_array_index (self->bars, Bar, i);
      float y = LEGEND_HEIGHT + i * ROW_HEIGHT;
      float mid = y + ROW_HEIGHT / 2.0f;
      float bx = LABEL_WIDTH, by = mid - BAR_HEIGHT / 2.0f;
      int values[] = { bar->breached, bar->at_risk, bar->on_time };
      GdkRGBA *colors[] = { &breached, &at_risk, &on_time };
      int total = bar->breached + bar->at_risk + bar->on_time;
      g_autofree char *count = g_strdup_printf ("%d", total);

      draw_text (self, snapshot, bar->name, 0, mid, LABEL_WIDTH - 8, FALSE, &fg);
      gtk_snapshot_append_color (snapshot, &track, &GRAPHENE_RECT_INIT (bx, by, bar_width, BAR_HEIGHT));
      for (guint s = 0; s < G_N_ELEMENTS (values); s++)
        {
          float w = bar_width * values[s] / (float) max;

          if (values[s] == 0)
            continue;
          gtk_snapshot_append_color (snapshot, colors[s], &GRAPHENE_RECT_INIT (bx, by, MAX (w, 2), BAR_HEIGHT));
          bx += w;
        }
      draw_text (self, snapshot, count, LABEL_WIDTH + bar_width + 40, mid, 0, TRUE, &fg);
    }
}

static void
snapshot_hourly (RpChart     *self,
                 GtkSnapshot *snapshot,
                 float        width)
{
  GdkRGBA fg = named_color (GTK_WIDGET (self), NULL, "black");
  GdkRGBA bar = named_color (GTK_WIDGET (self), "accent_bg_color", "#3584e4");
  GdkRGBA past = bar;
  GdkRGBA axis = fg;
  float label_h = 18, top = 16, plot_h = HOURLY_HEIGHT - label_h - top;
  float slot = width / 24.0f, bw = MAX (slot * 0.7f, 2);
  guint max = 1;

  past.alpha = 0.55f;
  axis.alpha = 0.2f;
  for (guint h = 0; h < 24; h++)
    max = MAX (max, self->hourly[h]);

  gtk_snapshot_append_color (snapshot, &axis, &GRAPHENE_RECT_INIT (0, top + plot_h, width, 1));
  for (guint h = 0; h < 24; h++)
    {
      float hgt = plot_h * self->hourly[h] / (float) max;
      float x = h * slot + (slot - bw) / 2;

      if (self->hourly[h] > 0)
        {
          g_autofree char *count = g_strdup_printf ("%u", self->hourly[h]);

          gtk_snapshot_append_color (snapshot, (int) h == self->current_hour ? &bar : &past,
                                     &GRAPHENE_RECT_INIT (x, top + plot_h - hgt, bw, hgt));
          if (slot >= 18)
            draw_text (self, snapshot, count, x + bw / 2 + 6, top + plot_h - hgt - 8, 0, TRUE, &fg);
        }
      if (h % 3 == 0)
        {
          g_autofree char *hour = g_strdup_printf ("%02u", h);
          draw_text (self, snapshot, hour, h * slot, top + plot_h + label_h / 2 + 2, 0, FALSE, &fg);
        }
    }
}

static void
rp_chart_snapshot (GtkWidget   *widget,
                   GtkSnapshot *snapshot)
{
  RpChart *self = RP_CHART (widget);
  float width = gtk_widget_get_width (widget);

  if (self->kind == RP_CHART_BACKLOG)
    snapshot_backlog (self, snapshot, width);
  else
    snapshot_hourly (self, snapshot, width);
}

static void
rp_chart_measure (GtkWidget      *widget,
                  GtkOrientation  orientation,
                  int             for_size,
                  int            *minimum,
                  int            *natural,
                  int            *minimum_baseline,
                  int            *natural_baseline)
{
  RpChart *self = RP_CHART (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = self->kind == RP_CHART_BACKLOG ? LABEL_WIDTH + 120 : 24 * 8;
      *natural = self->kind == RP_CHART_BACKLOG ? LABEL_WIDTH + 360 : 24 * 20;
    }
  else
    *minimum = *natural = self->kind == RP_CHART_BACKLOG
                            ? LEGEND_HEIGHT + MAX (1, self->bars->len) * ROW_HEIGHT
                            : HOURLY_HEIGHT;
}

static void
set_text (RpChart *self,
          char    *text)
{
  g_free (self->text);
  self->text = text;
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text,
                                  -1);
}

static void
rp_chart_finalize (GObject *object)
{
  RpChart *self = (RpChart *)object;

  g_clear_pointer (&self->bars, g_array_unref);
  g_clear_pointer (&self->text, g_free);

  G_OBJECT_CLASS (rp_chart_parent_class)->finalize (object);
}

static void
rp_chart_class_init (RpChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = rp_chart_finalize;
  widget_class->snapshot = rp_chart_snapshot;
  widget_class->measure = rp_chart_measure;

  gtk_widget_class_set_css_name (widget_class, "chart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
rp_chart_init (RpChart *self)
{
  self->bars = g_array_new (FALSE, TRUE, sizeof (Bar));
  g_array_set_clear_func (self->bars, (GDestroyNotify) bar_clear);
  self->current_hour = -1;
}

GtkWidget *
rp_chart_new (RpChartKind kind)
{
  RpChart *self = g_object_new (RP_TYPE_CHART, NULL);

  self->kind = kind;
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  kind == RP_CHART_BACKLOG ? _("Backlog per queue by SLA state")
                                                           : _("Tickets created per hour today"),
                                  -1);
  return GTK_WIDGET (self);
}

void
rp_chart_set_backlog (RpChart   *self,
                      JsonArray *queues)
{
  GString *text = g_string_new (NULL);

  g_return_if_fail (RP_IS_CHART (self));

  g_array_set_size (self->bars, 0);
  for (guint i = 0; queues && i < json_array_get_length (queues); i++)
    {
      JsonObject *q = json_array_get_object_element (queues, i);
      Bar bar = { 0 };
      int open = rp_json_int (q, "open", 0);

      bar.name = g_strdup (rp_json_string (q, "display_name"));
      bar.breached = rp_json_int (q, "breached", 0);
      bar.at_risk = rp_json_int (q, "at_risk", 0);
      bar.on_time = MAX (0, open - bar.breached - bar.at_risk);
      g_array_append_val (self->bars, bar);

      if (text->len)
        g_string_append (text, "\n");
      /* TRANSLATORS: the words behind the backlog chart, one line per queue */
      g_string_append_printf (text, _("%s: %d open, %d breached, %d at risk"),
                              bar.name, open, bar.breached, bar.at_risk);
    }

  set_text (self, g_string_free (text, FALSE));
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

void
rp_chart_set_hourly (RpChart     *self,
                     const guint  counts[24],
                     int          current_hour)
{
  GString *text = g_string_new (NULL);
  guint total = 0;

  g_return_if_fail (RP_IS_CHART (self));

  memcpy (self->hourly, counts, sizeof self->hourly);
  self->current_hour = current_hour;
  for (guint h = 0; h < 24; h++)
    total += counts[h];
  g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u ticket created today",
                                             "%u tickets created today", total), total);
  for (guint h = 0; h < 24; h++)
    if (counts[h] > 0)
      /* TRANSLATORS: the words behind the hourly chart: hour, then count */
      g_string_append_printf (text, _("\n%02u:00: %u"), h, counts[h]);

  set_text (self, g_string_free (text, FALSE));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const char *
rp_chart_get_text (RpChart *self)
{
  g_return_val_if_fail (RP_IS_CHART (self), NULL);
  return self->text;
}
