// OpenSSL's libcrypto, for SHA-256 of model files (Debian: libssl-dev). Foundation on Linux has no digest and
// CryptoKit is Apple-only; swift-crypto would add BoringSSL to every clean build for one hash.
#include <openssl/sha.h>
