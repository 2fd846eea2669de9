// A small pool of worker threads for the kernels' parallel loops. GCD's concurrentPerform costs more per call than
// a layer of a small CNN takes at batch 1 (with it, two threads classified ResNet-8 images one at a time at 3,000
// images/s against 4,260 on one thread); these workers keep watching for the next call (yielding the CPU) for
// about a millisecond before they sleep, so calls that come back to back do not wait for a sleeping thread.
//
// The split is static: part i always runs on worker i (part 0 on the caller), so results do not depend on timing.
// One parallel call at a time; a call made while another runs (another thread's) runs its parts inline.

#include "ckernels.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>

#define CK_MAX_WORKERS 63
// An idle worker yields the CPU this many times (2,000 yields took 1.1–1.2 ms on the 2-vCPU VM when nothing else
// wanted the CPU), then sleeps.
// It does not spin on `pause`: on the 2-vCPU VMs this was measured on, a worker spinning on `pause` slowed the
// caller's serial work between parallel calls (SGD's update ran many times slower, MLP training on 2 threads fell
// from ~120k to ~50k images/s), while yielding costs nothing measurable and answers a new call as fast.
#define CK_YIELDS 2000

static struct {
    pthread_mutex_t busy;       // held for the whole of one parallel call
    pthread_mutex_t sleep_lock; // with `wake`: where idle workers sleep
    pthread_cond_t wake;
    int workers;                // started so far (only grows)
    atomic_uint generation;     // bumped once per call
    atomic_int acknowledged;    // workers done with the current call
    ck_part_fn fn;
    void *context;
    int parts;
} pool = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0, 0, 0, 0};

// The generation each worker was started in (written before pthread_create, which orders it for the worker).
static unsigned ck_start_generation[CK_MAX_WORKERS + 1];

static void *ck_worker(void *arg) {
    const int index = (int)(long)arg; // runs part `index`
    unsigned seen = ck_start_generation[index];
    for (;;) {
        unsigned now;
        int spins = 0;
        while ((now = atomic_load_explicit(&pool.generation, memory_order_acquire)) == seen) {
            if (++spins < CK_YIELDS) {
                sched_yield();
                continue;
            }
            pthread_mutex_lock(&pool.sleep_lock);
            while (atomic_load_explicit(&pool.generation, memory_order_acquire) == seen)
                pthread_cond_wait(&pool.wake, &pool.sleep_lock);
            pthread_mutex_unlock(&pool.sleep_lock);
        }
        seen = now;
        if (index < pool.parts) pool.fn(pool.context, index, pool.parts);
        atomic_fetch_add_explicit(&pool.acknowledged, 1, memory_order_release);
    }
    return NULL;
}

void ck_parallel(int parts, ck_part_fn fn, void *context) {
    if (parts > CK_MAX_WORKERS + 1) parts = CK_MAX_WORKERS + 1;
    if (parts <= 1 || pthread_mutex_trylock(&pool.busy) != 0) {
        for (int p = 0; p < parts; p++) fn(context, p, parts);
        return;
    }
    while (pool.workers < parts - 1) {
        // Worker i runs part i; it starts with the current generation, so it waits for the next call.
        pthread_t thread;
        ck_start_generation[pool.workers + 1] = atomic_load_explicit(&pool.generation, memory_order_relaxed);
        if (pthread_create(&thread, NULL, ck_worker, (void *)(long)(pool.workers + 1)) != 0) break;
        pthread_detach(thread);
        pool.workers++;
    }
    if (pool.workers < parts - 1) parts = pool.workers + 1;
    pool.fn = fn;
    pool.context = context;
    pool.parts = parts;
    atomic_store_explicit(&pool.acknowledged, 0, memory_order_relaxed);
    pthread_mutex_lock(&pool.sleep_lock);
    atomic_fetch_add_explicit(&pool.generation, 1, memory_order_release);
    pthread_cond_broadcast(&pool.wake);
    pthread_mutex_unlock(&pool.sleep_lock);
    fn(context, 0, parts);
    // Every worker acknowledges every call (even one with no part for it), so none can read the next call's
    // settings while still on this one.
    while (atomic_load_explicit(&pool.acknowledged, memory_order_acquire) < pool.workers) sched_yield();
    pthread_mutex_unlock(&pool.busy);
}

int ck_parts(int threads, long units, double work, double least) {
    long parts = threads < units ? threads : units;
    if (parts > work / least) parts = (long)(work / least);
    return parts < 1 ? 1 : (int)parts;
}
