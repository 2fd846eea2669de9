// Pools of worker threads for the kernels' parallel loops. GCD's concurrentPerform costs more per call than a layer
// of a small CNN takes at batch 1 (with it, two threads classified ResNet-8 images one at a time at 3,000 images/s
// against 4,260 on one thread); these workers keep watching for the next call (yielding the CPU) for about a
// millisecond before they sleep, so calls that come back to back do not wait for a sleeping thread.
//
// Each calling thread has a pool of its own, made at its first parallel call and stopped (its workers joined) when
// that thread ends. So several callers at once (the LoadGen SUT's workers, each classifying its own batches) each
// get the threads they asked for, and the thread count a result records is the count that ran. A call made from
// inside a part (a worker's, or the caller's own part 0) runs its parts inline.
//
// The split is static: part i always runs on worker i of the caller's pool (part 0 on the caller), so results do not
// depend on timing.

#include "ckernels.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>

#define CK_MAX_WORKERS 63
// An idle worker yields the CPU this many times (2,000 yields took 1.1–1.2 ms on the 2-vCPU VM when nothing else
// wanted the CPU), then sleeps.
// It does not spin on `pause`: on the 2-vCPU VMs this was measured on, a worker spinning on `pause` slowed the
// caller's serial work between parallel calls (SGD's update ran many times slower, MLP training on 2 threads fell
// from ~120k to ~50k images/s), while yielding costs nothing measurable and answers a new call as fast.
#define CK_YIELDS 2000

typedef struct ck_pool ck_pool;

typedef struct {
    ck_pool *pool;
    int index; // runs part `index`
    unsigned start_generation;
} ck_worker_start;

struct ck_pool {
    pthread_mutex_t sleep_lock; // with `wake`: where idle workers sleep
    pthread_cond_t wake;
    int workers;                // started so far (only grows)
    int busy;                   // a call is running (touched by the owning thread only)
    atomic_int stopping;        // the owning thread ended: workers return
    atomic_uint generation;     // bumped once per call (and once to stop)
    atomic_int acknowledged;    // workers done with the current call
    ck_part_fn fn;
    void *context;
    int parts;
    pthread_t threads[CK_MAX_WORKERS + 1];
    ck_worker_start starts[CK_MAX_WORKERS + 1];
};

static _Thread_local ck_pool *ck_own_pool; // the calling thread's pool
static _Thread_local int ck_in_worker;     // this thread is a pool's worker
static pthread_key_t ck_pool_key;          // its destructor stops a pool when its owner ends
static pthread_once_t ck_pool_key_once = PTHREAD_ONCE_INIT;

static void *ck_worker(void *arg) {
    ck_worker_start *start = arg;
    ck_pool *pool = start->pool;
    const int index = start->index;
    unsigned seen = start->start_generation;
    ck_in_worker = 1;
    for (;;) {
        unsigned now;
        int spins = 0;
        while ((now = atomic_load_explicit(&pool->generation, memory_order_acquire)) == seen) {
            if (++spins < CK_YIELDS) {
                sched_yield();
                continue;
            }
            pthread_mutex_lock(&pool->sleep_lock);
            while (atomic_load_explicit(&pool->generation, memory_order_acquire) == seen)
                pthread_cond_wait(&pool->wake, &pool->sleep_lock);
            pthread_mutex_unlock(&pool->sleep_lock);
        }
        seen = now;
        if (atomic_load_explicit(&pool->stopping, memory_order_acquire)) return NULL;
        if (index < pool->parts) pool->fn(pool->context, index, pool->parts);
        atomic_fetch_add_explicit(&pool->acknowledged, 1, memory_order_release);
    }
}

// The owning thread ended: wake the workers to return, join them, free the pool.
static void ck_pool_stop(void *arg) {
    ck_pool *pool = arg;
    atomic_store_explicit(&pool->stopping, 1, memory_order_release);
    pthread_mutex_lock(&pool->sleep_lock);
    atomic_fetch_add_explicit(&pool->generation, 1, memory_order_release);
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->sleep_lock);
    for (int i = 1; i <= pool->workers; i++) pthread_join(pool->threads[i], NULL);
    pthread_cond_destroy(&pool->wake);
    pthread_mutex_destroy(&pool->sleep_lock);
    free(pool);
}

static void ck_make_pool_key(void) { pthread_key_create(&ck_pool_key, ck_pool_stop); }

static ck_pool *ck_pool_of_this_thread(void) {
    if (ck_own_pool) return ck_own_pool;
    pthread_once(&ck_pool_key_once, ck_make_pool_key);
    ck_pool *pool = calloc(1, sizeof(ck_pool));
    if (!pool) return NULL;
    pthread_mutex_init(&pool->sleep_lock, NULL);
    pthread_cond_init(&pool->wake, NULL);
    pthread_setspecific(ck_pool_key, pool);
    ck_own_pool = pool;
    return pool;
}

void ck_parallel(int parts, ck_part_fn fn, void *context) {
    if (parts > CK_MAX_WORKERS + 1) parts = CK_MAX_WORKERS + 1;
    ck_pool *pool = parts <= 1 || ck_in_worker ? NULL : ck_pool_of_this_thread();
    if (!pool || pool->busy) {
        for (int p = 0; p < parts; p++) fn(context, p, parts);
        return;
    }
    pool->busy = 1;
    while (pool->workers < parts - 1) {
        // Worker i runs part i; it starts with the current generation, so it waits for the next call.
        const int i = pool->workers + 1;
        pool->starts[i] = (ck_worker_start){
            pool, i, atomic_load_explicit(&pool->generation, memory_order_relaxed)};
        if (pthread_create(&pool->threads[i], NULL, ck_worker, &pool->starts[i]) != 0) break;
        pool->workers++;
    }
    if (pool->workers < parts - 1) parts = pool->workers + 1;
    pool->fn = fn;
    pool->context = context;
    pool->parts = parts;
    atomic_store_explicit(&pool->acknowledged, 0, memory_order_relaxed);
    pthread_mutex_lock(&pool->sleep_lock);
    atomic_fetch_add_explicit(&pool->generation, 1, memory_order_release);
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->sleep_lock);
    fn(context, 0, parts);
    // Every worker acknowledges every call (even one with no part for it), so none can read the next call's
    // settings while still on this one.
    while (atomic_load_explicit(&pool->acknowledged, memory_order_acquire) < pool->workers) sched_yield();
    pool->busy = 0;
}

int ck_parts(int threads, long units, double work, double least) {
    long parts = threads < units ? threads : units;
    if (parts > work / least) parts = (long)(work / least);
    return parts < 1 ? 1 : (int)parts;
}
