/* rp-format.h: locale-aware text for dates, money and the data's vocabulary
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

/* rp_format_money () is the core's */
#include "rp-describe.h"

G_BEGIN_DECLS

/* A calendar date: "November 23, 2026", in Japanese "2026年11月23日" */
char       *rp_format_date           (GDateTime   *dt);
/* An RFC 3339 date or timestamp as a calendar date, or NULL */
char       *rp_format_date_string    (const char  *text);
/* Date and time for tooltips: "November 23, 2026 at 14:05" */
char       *rp_format_date_time      (GDateTime   *dt);
/* Day header: "Today", "Yesterday", or the date with its weekday */
char       *rp_format_day            (GDateTime   *day,
                                      GDateTime   *now);
/* "just now", "5 minutes ago", "yesterday", "3 days ago", else the date */
char       *rp_format_relative       (GDateTime   *dt,
                                      GDateTime   *now);
/* How long someone has been a member: "3 years", "5 months" */
char       *rp_format_tenure         (const char  *member_since,
                                      GDateTime   *now);
char       *rp_format_duration       (gint64       seconds);

const char *rp_format_tier           (const char  *tier);
const char *rp_format_channel        (const char  *channel);
const char *rp_format_channel_icon   (const char  *channel);
const char *rp_format_purpose        (const char  *purpose);
const char *rp_format_consent_state  (const char  *state);
const char *rp_format_source         (const char  *source);
const char *rp_format_ticket_status  (const char  *status);
const char *rp_format_priority       (const char  *priority);
const char *rp_format_order_status   (const char  *status);
const char *rp_format_sentiment      (const char  *sentiment);
const char *rp_format_direction      (const char  *direction);
const char *rp_format_language       (const char  *bcp47);
const char *rp_format_doc_type       (const char  *type);
const char *rp_format_doc_type_icon  (const char  *type);

/* GDateTime in local time from an RFC 3339 text or unix microseconds */
GDateTime  *rp_date_time_parse       (const char  *text);
GDateTime  *rp_date_time_from_usec   (gint64       usec);

G_END_DECLS
