/* rp-types.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define RP_ERROR (rp_error_quark ())

/* Errors of the core. The CLI maps every one but RP_ERROR_USAGE to exit status 2. */
typedef enum
{
  RP_ERROR_FAILED,
  RP_ERROR_NOT_FOUND,     /* no such customer or document */
  RP_ERROR_CORRUPT,       /* the file is not a Rapport cache, or it is damaged */
  RP_ERROR_NEWER_SCHEMA,  /* written by a newer Rapport */
  RP_ERROR_INVALID,       /* a malformed or ill-typed document or input file */
  RP_ERROR_IO,            /* cannot open, read or write */
  RP_ERROR_FULL,          /* the disk (or the cache's page limit) is full */
  RP_ERROR_BUSY,          /* another process holds the cache too long */
  RP_ERROR_USAGE,
} RpError;

typedef enum
{
  RP_DOC_UNKNOWN = 0,
  RP_DOC_CUSTOMER,
  RP_DOC_ORDER,
  RP_DOC_TICKET,
  RP_DOC_TICKET_EVENT,
  RP_DOC_INTERACTION,
  RP_DOC_CONSENT,
  RP_DOC_NOTE,
  RP_DOC_SURVEY,
  RP_DOC_AGENT,
  RP_DOC_QUEUE,
  RP_DOC_MERGE,
  RP_DOC_ERASURE,
  RP_N_DOC_TYPES
} RpDocType;

/* Timeline filter kinds, as a bit mask of RP_KIND_* */
typedef enum
{
  RP_KIND_ORDERS       = 1 << 0,
  RP_KIND_TICKETS      = 1 << 1,  /* ticket and ticket_event */
  RP_KIND_INTERACTIONS = 1 << 2,
  RP_KIND_CONSENT      = 1 << 3,
  RP_KIND_NOTES        = 1 << 4,
  RP_KIND_SURVEYS      = 1 << 5,
  RP_KIND_OTHER        = 1 << 6,  /* merge and anything else shown on a customer */
  RP_KIND_ALL          = 0x7f,
} RpKindMask;

typedef struct _RpCache RpCache;

GQuark rp_error_quark (void);

/* Binds the translation domain: the installed catalogues, or the build
 * tree's when running uninstalled (RAPPORT_LOCALEDIR overrides both). */
void   rp_i18n_init   (void);

G_END_DECLS
