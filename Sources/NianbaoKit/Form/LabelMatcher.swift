// Matching a table's labels, with a memo of the labels already matched on this thread.
//
// The standard form's labels recur in every report: 100,000 reports print the same few
// hundred row and column labels over and over, give or take a space or an enumerator.
// Folding and scanning a label costs over a thousand instructions; finding it among the
// labels already read costs a hash of its bytes and one comparison. Each thread keeps its own
// memo, so there are no locks; it is bounded, and emptied when full. A memo entry is exactly
// what folding and scanning computed from the same bytes, so what a report reads never
// depends on which thread read it, or after which other reports.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

final class LabelMatcher {
    /// The folded form of the label last matched; valid until the next `match`.
    private(set) var folded = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
    /// How many labels the memo holds.
    var remembered: Int { entryCount }

    private let fold = FoldedLabel()
    private let index = KeywordIndex.shared

    /// A remembered label: its raw and folded bytes (offsets into `arena`) and its key words.
    private struct Entry {
        var hash: UInt64
        var raw: Int32
        var folded: Int32
        var rawCount: UInt16
        var foldedCount: UInt16
        var hits: KeywordHits
    }

    /// Open addressing: entry numbers, or -1; at most half full.
    private let slots: UnsafeMutableBufferPointer<Int32>
    private let mask: Int
    private let entries: UnsafeMutableBufferPointer<Entry>
    private var entryCount = 0
    private let arena: UnsafeMutableBufferPointer<UInt8>
    /// `arena`'s first byte, unwrapped once: a remembered label is compared at every match.
    private let arenaBase: UnsafeMutablePointer<UInt8>
    private var arenaUsed = 0

    /// Labels longer than this (a paragraph caught in a table) are matched without the memo.
    static let longestRemembered = 512

    /// A memo of at most `capacity` labels.
    init(capacity: Int = 4096) {
        var size = 1
        while size < capacity * 2 { size <<= 1 }
        slots = .allocate(capacity: size)
        slots.initialize(repeating: -1)
        mask = size - 1
        entries = .allocate(capacity: capacity)
        arena = .allocate(capacity: max(capacity * 96, 4 * LabelMatcher.longestRemembered))
        arenaBase = arena.baseAddress!
    }

    deinit {
        slots.deallocate()
        entries.deallocate()
        arena.deallocate()
    }

    /// The key words in `raw`, a label as printed; `folded` is then its folded form. The look-up
    /// in the memo is inlined into the readers' loops (a call cost some twenty instructions
    /// of a label's hundred); remembering a new label is not.
    @inline(__always)
    func match(_ raw: TextBytes) -> KeywordHits {
        let n = raw.count
        guard n > 0, n <= LabelMatcher.longestRemembered, let start = raw.base.baseAddress else {
            return compute(raw)
        }
        let bytes = UnsafeRawPointer(start + raw.startIndex)
        // Bytes of the text after the label may be read (and masked off): it saves a loop
        // over the last few bytes, whose count differs from one label to the next.
        let readable = raw.base.count &- raw.startIndex
        let hash = LabelMatcher.hash(bytes, n, readable: readable)
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] >= 0 {
            let entry = entries[Int(slots[slot])]
            if entry.hash == hash && Int(entry.rawCount) == n
                && Bytes.equal(arenaBase + Int(entry.raw), bytes, count: n) {
                folded = UnsafeBufferPointer(start: arenaBase + Int(entry.folded), count: Int(entry.foldedCount))
                return entry.hits
            }
            slot = (slot + 1) & mask
        }
        return remember(raw, bytes: bytes, hash: hash, slot: slot)
    }

    /// Folds and scans a label not in the memo, and remembers it in `slot` (the empty slot its
    /// look-up ended at).
    @inline(never)
    private func remember(_ raw: TextBytes, bytes: UnsafeRawPointer, hash: UInt64, slot: Int) -> KeywordHits {
        let n = raw.count
        var slot = slot
        let hits = compute(raw)
        let size = n + folded.count
        guard size <= arena.count, folded.count <= Int(UInt16.max) else { return hits }
        if entryCount == entries.count || arenaUsed + size > arena.count {
            forgetAll()
            slot = Int(truncatingIfNeeded: hash) & mask
        }
        let rawAt = arenaUsed
        (arena.baseAddress! + rawAt).initialize(from: bytes.assumingMemoryBound(to: UInt8.self), count: n)
        let foldedAt = rawAt + n
        if let f = folded.baseAddress { (arena.baseAddress! + foldedAt).initialize(from: f, count: folded.count) }
        arenaUsed = foldedAt + folded.count
        entries[entryCount] = Entry(hash: hash, raw: Int32(rawAt), folded: Int32(foldedAt),
                                    rawCount: UInt16(n), foldedCount: UInt16(folded.count), hits: hits)
        slots[slot] = Int32(entryCount)
        entryCount += 1
        return hits
    }

    private func compute(_ raw: TextBytes) -> KeywordHits {
        fold.fold(raw)
        folded = fold.bytes
        return index.scan(folded)
    }

    private func forgetAll() {
        slots.update(repeating: -1)
        entryCount = 0
        arenaUsed = 0
    }

    /// The length and at most three words: the first sixteen bytes and the last eight
    /// (overlapping when the label is shorter), so that no loop runs a count that differs
    /// from one label to the next. Labels that agree in all three and in length share a hash
    /// and are told apart by their bytes. A label under eight bytes is its bytes and what
    /// follows them, masked off, when `readable` bytes from `p` may be read; a byte at a time
    /// only at the very end of the text.
    @inline(__always)
    static func hash(_ p: UnsafeRawPointer, _ n: Int, readable: Int) -> UInt64 {
        let k: UInt64 = 0x9E37_79B9_7F4A_7C15
        var h = UInt64(n) &* k
        if n > 8 {
            h = (h ^ p.loadUnaligned(as: UInt64.self)) &* k
            h ^= h >> 29
        }
        if n > 16 {
            h = (h ^ p.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) &* k
            h ^= h >> 29
        }
        let tail: UInt64
        if n >= 8 {
            tail = p.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        } else if readable >= 8 {
            tail = p.loadUnaligned(as: UInt64.self).littleEndian & ((1 << UInt64(8 * n)) &- 1)
        } else {
            var t: UInt64 = 0
            for j in 0..<n { t |= UInt64(p.load(fromByteOffset: j, as: UInt8.self)) << UInt64(8 * j) }
            tail = t
        }
        h = (h ^ tail) &* k
        return h ^ (h >> 32)
    }

    /// This thread's matcher, made on its first use and freed with the thread.
    static var current: LabelMatcher {
        if let p = pthread_getspecific(threadKey) {
            return Unmanaged<LabelMatcher>.fromOpaque(p).takeUnretainedValue()
        }
        let matcher = LabelMatcher()
        pthread_setspecific(threadKey, Unmanaged.passRetained(matcher).toOpaque())
        return matcher
    }

    private static let threadKey: pthread_key_t = {
        var key = pthread_key_t()
        let rc = pthread_key_create(&key) { p in
            if let p { Unmanaged<LabelMatcher>.fromOpaque(p).release() }
        }
        precondition(rc == 0, "cannot create the per-thread label memo")
        return key
    }()
}
