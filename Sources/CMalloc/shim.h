// glibc's allocator tuning (mallopt), which Swift's Glibc module does not declare.
#include <malloc.h>
