/*
 * parallel.h - running one worker on several threads (internal).
 *
 * The workers take their jobs from a shared counter in arg, so a thread
 * that cannot be started only slows the work down; the calling thread is
 * one of them (a worker may report progress from it).
 */
#ifndef KB_PARALLEL_H
#define KB_PARALLEL_H

/* Runs fn(arg) on `threads` threads (1 to 64) and returns when every one
 * has returned. */
void kb__parallel(int threads, void *(*fn)(void *), void *arg);

#endif
