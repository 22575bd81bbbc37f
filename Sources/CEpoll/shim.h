// Linux's epoll, which Swift's Glibc module leaves out; the HTTP server watches its connections with it
// (SocketReadiness.swift).
#include <sys/epoll.h>
