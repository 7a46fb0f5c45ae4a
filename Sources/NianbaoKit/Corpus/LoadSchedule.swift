// The schedule of a load: which thread parses which files, and when a batch of them goes
// into the corpus.
//
// Workers, one per core, start once and claim runs of files from a counter until none is
// left; the thread that started the load appends each batch to the corpus, in order, as soon
// as its last run is parsed. A batch's columns are reused for a later batch only once the
// corpus has taken it, so a worker that runs ahead waits for the append, never for the other
// workers.
//
// Why not a batch at a time (start the workers on a batch, wait for them, append, start them
// on the next): every batch then ends with one core idle until the other's last file is done
// and with threads to wake, about 4 ms a batch on a 2-core virtual machine — 0.7 s of a
// 3.6 s load of 100,000 files in batches of 512. Larger batches pause less often but hold
// more readings in memory (5.6 KB a report).

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Synchronization

final class LoadSchedule: @unchecked Sendable {
    let files: [String]
    /// Those of the files that the listing did not find regular files (see `Loader.list`).
    let irregular: Set<String>
    let batchSize: Int
    /// Files parsed by a worker at a time, their readings stored together (`ResultSlots.parse`).
    let runLength: Int
    let batchCount: Int
    private let runsPerBatch: Int
    private let runCount: Int
    private let nextRun = Atomic<Int>(0)

    private let condition = Condition()
    // Guarded by `condition`:
    /// A batch's slots, from when its columns are free until it is appended.
    private var slots: [ResultSlots?]
    /// Runs of each batch parsed.
    private var parsedRuns: [Int]
    /// Set when the load is cancelled: workers stop claiming runs.
    private var stopped = false

    init(files: [String], irregular: Set<String> = [], batchSize: Int, runLength: Int) {
        precondition(batchSize % runLength == 0, "a run never spans two batches")
        self.files = files
        self.irregular = irregular
        self.batchSize = batchSize
        self.runLength = runLength
        batchCount = (files.count + batchSize - 1) / batchSize
        runsPerBatch = batchSize / runLength
        runCount = (files.count + runLength - 1) / runLength
        slots = Array(repeating: nil, count: batchCount)
        parsedRuns = Array(repeating: 0, count: batchCount)
    }

    func files(of batch: Int) -> Range<Int> {
        batch * batchSize..<min((batch + 1) * batchSize, files.count)
    }

    private func runs(of batch: Int) -> Int {
        (files(of: batch).count + runLength - 1) / runLength
    }

    /// Makes `batch`'s slots, writing into `columns`, and lets workers parse its files.
    func open(_ batch: Int, columns: ColumnBatch) {
        let made = ResultSlots(count: files(of: batch).count, columns: columns)
        condition.withLock {
            slots[batch] = made
            condition.broadcast()
        }
    }

    /// A worker's loop: claims runs and parses them until none is left or the load stops.
    func work(cache: LoadCache?, cancel: CancellationFlag?) {
        // Held across runs: a worker's runs are mostly in one folder.
        var folder = OpenFolder()
        while true {
            let run = nextRun.add(1, ordering: .relaxed).oldValue
            guard run < runCount else { return }
            let batch = run / runsPerBatch
            let target: ResultSlots? = condition.withLock {
                while !stopped && slots[batch] == nil { condition.wait() }
                return stopped ? nil : slots[batch]
            }
            guard let target, cancel?.isSet != true else { return }
            let first = run * runLength
            let batchStart = batch * batchSize
            target.parse(files[first..<min(first + runLength, files.count)], from: first - batchStart, in: &folder, cache: cache, irregular: irregular)
            condition.withLock {
                parsedRuns[batch] += 1
                if parsedRuns[batch] == runs(of: batch) { condition.broadcast() }
            }
        }
    }

    /// Waits until `batch` is parsed and gives its slots, or nil if `cancel` is set first
    /// (looked at every 50 ms: a signal handler cannot wake a waiting thread).
    func parsed(_ batch: Int, cancel: CancellationFlag?) -> ResultSlots? {
        condition.withLock {
            while parsedRuns[batch] < runs(of: batch) && cancel?.isSet != true {
                condition.wait(seconds: 0.05)
            }
            guard cancel?.isSet != true else { return nil }
            defer { slots[batch] = nil }
            return slots[batch]
        }
    }

    /// Stops the workers at their next run; those waiting for a batch's columns return.
    func stop() {
        condition.withLock {
            stopped = true
            condition.broadcast()
        }
    }
}

/// A mutex and its condition variable (pthread's), for threads that wait for one another.
final class Condition: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let variable = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(variable, nil)
    }

    deinit {
        pthread_cond_destroy(variable)
        pthread_mutex_destroy(mutex)
        variable.deallocate()
        mutex.deallocate()
    }

    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    /// Waits for a broadcast; the lock must be held (inside `withLock`).
    func wait() { pthread_cond_wait(variable, mutex) }

    /// Waits for a broadcast or until `seconds` have passed; the lock must be held.
    func wait(seconds: Double) {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let nanoseconds = Int(now.tv_nsec) + Int(seconds * 1e9)
        var deadline = timespec()
        deadline.tv_sec = now.tv_sec + nanoseconds / 1_000_000_000
        deadline.tv_nsec = nanoseconds % 1_000_000_000
        pthread_cond_timedwait(variable, mutex, &deadline)
    }

    func broadcast() { pthread_cond_broadcast(variable) }
}
