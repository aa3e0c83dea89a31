"""Entity workers: processes that load the spaCy pipeline once and turn batches of texts into
entity spans, for the entity step when it fans out over several processes.

They differ from `nlp.pipe(n_process=...)` in two ways that cost the parent less, with the same
spans. They can be started ahead of the entity step (the clean step starts them when it has
articles to clean), so that they import spaCy and load the model while cleaning runs instead
of after it. And a worker sends back each text's entities as (text, label, start_char,
end_char) tuples, not a serialised Doc: the step needs only the spans, and rebuilding every
Doc in the parent, as `nlp.pipe` does, cost the parent about a fifth of the workers' time, on
the cores the workers need. The model sees the same batches as `nlp.pipe` with the same batch
size: consecutive runs of `batch_size` texts of the stream, each run through `nlp.pipe`.

A worker dies with the process that started it (a `kill -9` of the run included), so it never
outlives the run nor keeps what the run held open (its run lock).
"""

from __future__ import annotations

import itertools
import multiprocessing as mp
import os
import queue
import signal
from dataclasses import dataclass
from typing import Iterator

Entity = tuple[str, str, int, int]  # text, label, start_char, end_char
POLL_SECONDS = 1.0


@dataclass(frozen=True)
class PipelineInfo:
    """What the parent needs to know of the pipeline the workers loaded, without loading it."""

    lang: str
    label: str  # as recorded in entity_runs.pipeline
    components: tuple[str, ...]


def _die_with_parent(parent: int) -> None:
    """Ask the kernel to kill this process when its parent dies (Linux); elsewhere the worker
    notices the parent is gone between batches."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # died before the request was made
        os._exit(0)


def entities_of(docs) -> Iterator[list[Entity]]:
    for doc in docs:
        yield [(e.text, e.label_, e.start_char, e.end_char) for e in doc.ents]


def _serve(pipeline: str, batch_size: int, tasks, results, parent: int) -> None:
    _die_with_parent(parent)
    try:
        from assets.entities import load_pipeline, pipeline_label

        nlp = load_pipeline(pipeline)
        results.put(("ready", PipelineInfo(nlp.lang, pipeline_label(nlp), tuple(nlp.pipe_names))))
        while True:
            try:
                task = tasks.get(timeout=POLL_SECONDS)
            except queue.Empty:
                if os.getppid() != parent:
                    return
                continue
            if task is None:
                return
            number, texts = task
            results.put(("done", (number, list(entities_of(nlp.pipe(texts, batch_size=batch_size))))))
    except BaseException as error:  # noqa: BLE001 - the parent reports it and stops the step
        results.put(("failed", f"{type(error).__name__}: {error}"))


class EntityWorkers:
    """`processes` worker processes serving one spaCy pipeline; `pipe` is their `nlp.pipe`."""

    def __init__(self, pipeline: str, processes: int, batch_size: int):
        self.pipeline, self.processes, self.batch_size = pipeline, processes, batch_size
        # Forked, so a worker starts without importing Python and the project again; it imports
        # spaCy and loads the model itself, while the parent goes on.
        context = mp.get_context("fork")
        self._tasks, self._results = context.Queue(), context.Queue()
        self._info: PipelineInfo | None = None
        self._numbered = 0  # batches numbered across calls of `pipe`, so late ones never mix in
        self._procs = [
            context.Process(target=_serve, args=(pipeline, batch_size, self._tasks, self._results, os.getpid()),
                            name=f"entity-worker-{k}", daemon=True)
            for k in range(processes)
        ]
        for proc in self._procs:
            proc.start()

    def _receive(self, done: dict[int, list]) -> None:
        try:
            kind, payload = self._results.get(timeout=POLL_SECONDS)
        except queue.Empty:
            dead = [p for p in self._procs if not p.is_alive()]
            if dead:
                raise RuntimeError(f"entity worker {dead[0].name} died (exit code {dead[0].exitcode})") from None
            return
        if kind == "ready":
            self._info = payload
        elif kind == "done":
            done[payload[0]] = payload[1]
        else:
            raise RuntimeError(f"an entity worker failed: {payload}")

    def info(self) -> PipelineInfo:
        """The pipeline's language and label, once a worker has loaded it."""
        done: dict[int, list] = {}
        while self._info is None:
            self._receive(done)
        assert not done  # nothing was sent yet
        return self._info

    def pipe(self, texts: Iterator[str]) -> Iterator[list[Entity]]:
        """The entities of each text, in the order of `texts`. The first batches go to the
        workers at once, before the first result is asked for; then a few batches stay in
        flight, so every worker always has the next one."""
        return _Stream(self, iter(texts))

    def close(self) -> None:
        for _ in self._procs:
            self._tasks.put(None)
        for proc in self._procs:
            proc.join(timeout=5)
            if proc.is_alive():
                proc.terminate()
                proc.join()
        self._tasks.close()
        self._results.close()


class _Stream:
    """One `EntityWorkers.pipe`: numbered batches out, their entities back in order."""

    def __init__(self, workers: EntityWorkers, texts: Iterator[str]):
        workers.info()
        self._workers, self._texts = workers, texts
        self._done: dict[int, list] = {}
        self._sent = self._returned = workers._numbered
        self._exhausted = False
        self._ready: Iterator[list[Entity]] = iter(())
        self._fill()

    def _fill(self) -> None:
        workers = self._workers
        while not self._exhausted and self._sent - self._returned < 2 * workers.processes:
            batch = list(itertools.islice(self._texts, workers.batch_size))
            if not batch:
                self._exhausted = True
            else:
                workers._tasks.put((self._sent, batch))
                self._sent += 1
                workers._numbered = self._sent

    def __iter__(self) -> "_Stream":
        return self

    def __next__(self) -> list[Entity]:
        while True:
            entities = next(self._ready, None)
            if entities is not None:
                return entities
            if self._returned == self._sent:
                raise StopIteration
            while self._returned not in self._done:
                self._workers._receive(self._done)
            self._ready = iter(self._done.pop(self._returned))
            self._returned += 1
            self._fill()
