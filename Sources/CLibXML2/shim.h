#ifndef SLUICE_CLIBXML2_SHIM_H
#define SLUICE_CLIBXML2_SHIM_H

// libxml2 as Debian builds it, seen from Swift.
//
// xmlversion.h comes first so that LIBXML_ICU_ENABLED can be undefined before any other
// libxml2 header pulls in ICU's <unicode/ucnv.h>. Otherwise a module that sees both this
// module and Foundation fails on clean builds with "'UErrorCode' has different definitions
// in different modules". Sluice never uses libxml2's ICU-specific declarations.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlmemory.h>
#include <libxml/xmlwriter.h>
#include <libxml/xmlsave.h>
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>

/// Frees memory that libxml2 allocated. `xmlFree` is a global function pointer, which
/// Swift 6 rejects as shared mutable state; this wrapper is a plain function.
static inline void sluice_xmlFree(void *pointer) {
    xmlFree(pointer);
}

/// Discards one libxml2 generic error message (encoding and I/O errors ignore parser options).
static inline void sluice_discardGenericError(void *context, const char *message, ...) {
    (void)context;
    (void)message;
}

/// Stops libxml2 printing generic errors to stderr on the calling thread (the handler is a
/// per-thread setting). Reports calls this before each parse; the text it extracts is the
/// only result that matters, and a mail server's stderr is not the place for a sender's
/// broken HTML.
static inline void sluice_silenceGenericErrors(void) {
    xmlSetGenericErrorFunc(NULL, sluice_discardGenericError);
}

#endif
