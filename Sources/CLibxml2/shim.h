// libxml2's HTML parser, for reading reports saved as web pages. Ordinary HTML is not XML,
// so the forgiving HTML parser (htmlReadMemory) is used, never the strict XML one.
#ifndef NIANBAO_CLIBXML2_SHIM_H
#define NIANBAO_CLIBXML2_SHIM_H
// Debian builds libxml2 with ICU, whose headers clash with the ICU copy inside Foundation
// when both reach one Swift module. Nothing here touches the ICU-only parts of libxml2's
// encoding structs, so the ICU declarations are left out.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

static void nb_xml_silent_error(void *ctx, const char *msg, ...) { (void)ctx; (void)msg; }

/// Parses `size` bytes of UTF-8 HTML leniently, with errors and warnings silenced and no
/// network access. The caller frees the result with xmlFreeDoc.
static inline htmlDocPtr nb_html_parse(const char *bytes, int size) {
    xmlSetGenericErrorFunc(NULL, nb_xml_silent_error);
    return htmlReadMemory(bytes, size, NULL, "UTF-8",
        HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
        HTML_PARSE_NONET | HTML_PARSE_NOBLANKS);
}
static inline void nb_xml_free(void *p) { xmlFree(p); }
#endif
