/*
 * parallel.c - running one worker on several threads (parallel.h).
 */
#include "core/parallel.h"

#include <pthread.h>

void kb__parallel(int threads, void *(*fn)(void *), void *arg)
{
	pthread_t th[64];
	int n = threads < 1 ? 1 : threads > 64 ? 64 : threads, started;
	for (started = 1; started < n; started++)
		if (pthread_create(&th[started], NULL, fn, arg))
			break;
	fn(arg);
	while (--started > 0)
		pthread_join(th[started], NULL);
}
