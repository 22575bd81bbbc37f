// nghttp2, the reference HTTP/2 library (Debian: libnghttp2-dev).
#include <nghttp2/nghttp2.h>
