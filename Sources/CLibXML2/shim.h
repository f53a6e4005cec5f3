// libxml2 from the system (Debian: libxml2-dev): the streaming reader behind every XML reader.
#include <libxml/xmlversion.h>
// Debian's libxml2 is built with ICU, whose headers would clash with the ICU Foundation bundles; the reader
// API used here never touches the encoding handler structs that depend on it.
#undef LIBXML_ICU_ENABLED
#include <libxml/xmlreader.h>
