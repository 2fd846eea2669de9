"""repro's external-SUT protocol (docs/loadgen.md) for SUTs written in Python, shared by the SUT scripts beside the
recipes (mlperf/null_sut.py, resnet50/onnxruntime_sut.py). A script puts this folder on its path from its own
location, so it works wherever the recipes folder is (a clone, the checkout a repro binary was built in, a pulled
recipe repository):

    sys.dont_write_bytecode = True  # no __pycache__ in the recipes folder
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
    import external_sut

It reads repro's messages on stdin (LOAD, UNLOAD, ISSUE, FLUSH, END) and queues the issued samples; the SUT's
worker takes them in batches of its choice and answers each sample with its bytes.
"""
import collections
import sys
import threading


class ExternalSUT:
    def __init__(self, name):
        self.name = name
        self.pending = collections.deque()  # (sample id, QSL index), in the order issued
        self.ready = threading.Condition()
        self.out_lock = threading.Lock()
        self.done = False

    def say(self, line):
        with self.out_lock:
            sys.stdout.write(line + "\n")
            sys.stdout.flush()

    def take(self, choose):
        """The next samples to run: waits until some are queued, then returns what choose(pending) pops from the
        queue (it runs under the queue's lock); None once the test is over and nothing is left."""
        with self.ready:
            while not self.pending and not self.done:
                self.ready.wait()
            if self.done and not self.pending:
                return None
            return choose(self.pending)

    def answer(self, answers):
        """One DONE line for [(sample id, answer bytes), ...]."""
        self.say("DONE " + " ".join("%s:%s" % (i, data.hex().upper()) for i, data in answers))

    def serve(self, worker):
        """Runs worker(self) on a thread of its own, says READY, and queues what repro issues until END (or the
        end of stdin)."""
        threading.Thread(target=worker, args=(self,), daemon=True).start()
        self.say("READY " + self.name)
        for line in sys.stdin:
            words = line.split()
            if not words:
                continue
            if words[0] == "ISSUE":
                with self.ready:
                    for item in words[1:]:
                        sample_id, index = item.split(":")
                        self.pending.append((sample_id, int(index)))
                    self.ready.notify()
            elif words[0] == "LOAD":
                self.say("LOADED")
            elif words[0] == "END":
                break
        with self.ready:
            self.done = True
            self.ready.notify()
