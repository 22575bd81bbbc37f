// Nothing to compile: the target exists for its header (SwiftPM needs one source file in a C target).
#include "CFuzzerDriver.h"
