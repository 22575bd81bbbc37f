// Linux's epoll and eventfd, which Swift's Glibc module leaves out; the HTTP server's event loops watch their
// connections with them (EventLoop.swift).
#include <sys/epoll.h>
#include <sys/eventfd.h>
