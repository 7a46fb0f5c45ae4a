// Reports already read, kept on disk, so that loading the same files again skips reading them.
//
// A national corpus is loaded again and again — each shell started on it, each script run
// over it — and its files rarely change. Each folder's reports are kept, as read, in one file
// of the cache directory: an entry per report file, under the file's name and identity (size,
// modification and change times to the nanosecond, inode, device). A load takes an entry
// instead of reading the file only when
//   - the file's identity is the entry's,
//   - the cache file was written by this very build of the reader (the linker's build id of
//     the running code: any change to the reader or the form is a new build), and
//   - the cache file is whole (its checksum holds) and the entry decodes whole;
// anything else reads the file, exactly as with no cache. An entry is written only for a file
// last changed well before the load began: file times have a coarse grain, and a file changed
// twice within one grain, at the same size, would otherwise match the entry of its old text.
//
// A cache file: a magic line, the reader's build id, the form's field count and the folder's
// path (a file of another build, form or folder is not this one's); the number of entries;
// each entry its file's name, the file's identity, the report's length in four bytes and the
// report (ReportCodec.swift); last, a checksum of all before it.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CBuildID
import Dispatch
import Synchronization

/// What the file system says of a file: equal identities, the same text.
struct FileIdentity: Equatable {
    var size: Int64
    var modified: Int64     // nanoseconds since 1970
    var changed: Int64
    var inode: UInt64
    var device: UInt64

    init(size: Int64, modified: Int64, changed: Int64, inode: UInt64, device: UInt64) {
        self.size = size; self.modified = modified; self.changed = changed; self.inode = inode; self.device = device
    }

    init(_ st: stat) {
        #if os(Linux)
        self.init(size: Int64(st.st_size),
                  modified: Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec),
                  changed: Int64(st.st_ctim.tv_sec) * 1_000_000_000 + Int64(st.st_ctim.tv_nsec),
                  inode: UInt64(st.st_ino), device: UInt64(st.st_dev))
        #else
        self.init(size: Int64(st.st_size),
                  modified: Int64(st.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(st.st_mtimespec.tv_nsec),
                  changed: Int64(st.st_ctimespec.tv_sec) * 1_000_000_000 + Int64(st.st_ctimespec.tv_nsec),
                  inode: UInt64(st.st_ino), device: UInt64(st.st_dev))
        #endif
    }

    /// The identity of `path`, or nil when it cannot be had.
    static func of(_ path: String) -> FileIdentity? {
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        return FileIdentity(st)
    }

    func write(to out: inout CacheWriter) {
        out.signed(size); out.signed(modified); out.signed(changed); out.unsigned(inode); out.unsigned(device)
    }

    init(from input: inout CacheReader) throws(CacheReader.Corrupt) {
        self.init(size: try input.signed(), modified: try input.signed(), changed: try input.signed(),
                  inode: try input.unsigned(), device: try input.unsigned())
    }
}

/// The cache directory, and the identity of the reader that writes and reads it.
public final class ReportCache: Sendable {
    public let directory: String
    /// The running code's build id: a cache file is used only by the build that wrote it.
    let reader: [UInt8]
    /// How long before a load a file must have last changed for its entry to be written:
    /// longer than the grain of file times (a few milliseconds) by far.
    let settling: Int64
    static let magic = Array("NIANBAO-CACHE-3\n".utf8)

    /// A cache in `directory` (created when first written), or nil when the running code has
    /// no build id to tell its cache files by.
    public convenience init?(directory: String) {
        self.init(directory: directory, settling: 2_000_000_000)
    }

    init?(directory: String, settling nanoseconds: Int64) {
        var id = [UInt8](repeating: 0, count: 64)
        let length = nianbao_build_id(&id, id.count)
        guard length > 0 else { return nil }
        settling = nanoseconds
        self.directory = directory.hasSuffix("/") && directory.count > 1 ? String(directory.dropLast()) : directory
        reader = Array(id.prefix(length))
    }

    /// The directory the environment names: `$NIANBAO_CACHE_DIR`, else `$XDG_CACHE_HOME/nianbao`,
    /// else `~/.cache/nianbao`; nil when there is no home.
    public static func standardDirectory(environment: [String: String]) -> String? {
        if let d = environment["NIANBAO_CACHE_DIR"], !d.isEmpty { return d }
        if let d = environment["XDG_CACHE_HOME"], !d.isEmpty { return d + "/nianbao" }
        if let home = environment["HOME"], !home.isEmpty { return home + "/.cache/nianbao" }
        return nil
    }

    /// The cache file of the folder at absolute path `folder`: its name is the path hashed,
    /// and the path is written inside to tell two folders of one hash apart.
    func fileName(for folder: String) -> String {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in folder.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        let hex = String(h, radix: 16)
        return directory + "/" + String(repeating: "0", count: 16 - hex.count) + hex + ".cache"
    }

    /// A cheap checksum of a cache file's bytes, eight at a time, so that a torn or damaged
    /// file is told from a whole one.
    static func checksum(_ p: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15
        let raw = UnsafeRawBufferPointer(p)
        var i = 0
        while i + 8 <= raw.count {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0x100_0000_01B3
            h ^= h >> 29
            i += 8
        }
        while i < raw.count { h = (h ^ UInt64(raw[i])) &* 0x100_0000_01B3; i += 1 }
        return h
    }

    func header(folder: String) -> CacheWriter {
        var out = CacheWriter()
        out.bytes = ReportCache.magic
        out.unsigned(reader.count)
        out.bytes += reader
        out.unsigned(Form.standard.fields.count)
        out.string(folder)
        return out
    }
}

/// One folder's cache file as read: its entries by file name.
final class FolderCache: @unchecked Sendable {
    struct Entry {
        var identity: FileIdentity
        /// The whole entry (name, identity, report), and the report within it.
        var whole: Range<Int>
        var report: Range<Int>
    }
    let bytes: [UInt8]
    let entries: [String: Entry]

    /// The cache file of `folder`, or nil when there is none or it is not this build's, or
    /// not whole.
    init?(_ cache: ReportCache, folder: String) {
        guard let bytes = try? Loader.readFile(cache.fileName(for: folder)) else { return nil }
        let header = cache.header(folder: folder).bytes
        let parsed: [String: Entry]? = bytes.withUnsafeBufferPointer { p in
            guard p.count >= header.count + 8, p.starts(with: header) else { return nil }
            let body = UnsafeBufferPointer(rebasing: p[..<(p.count - 8)])
            var check = CacheReader(p, from: p.count - 8)
            guard let sum = try? check.word(), sum == ReportCache.checksum(body) else { return nil }
            var input = CacheReader(body, from: header.count)
            var entries: [String: Entry] = [:]
            do throws(CacheReader.Corrupt) {
                let n = try input.count(max: body.count)
                entries.reserveCapacity(n)
                for _ in 0..<n {
                    let start = input.at
                    let name = try input.string()
                    let identity = try FileIdentity(from: &input)
                    let length = Int(try input.uint32())
                    guard length <= input.end - input.at else { throw CacheReader.Corrupt() }
                    let report = input.at..<(input.at + length)
                    _ = try input.raw(length)
                    entries[name] = Entry(identity: identity, whole: start..<input.at, report: report)
                }
                guard input.atEnd else { return nil }
            } catch { return nil }
            return entries
        }
        guard let parsed else { return nil }
        self.bytes = bytes
        entries = parsed
    }

    /// The report cached for `name` if the file is still `identity`.
    func report(_ name: String, identity: FileIdentity, file: String) -> Report? {
        guard let e = entries[name], e.identity == identity else { return nil }
        return bytes.withUnsafeBufferPointer { p in
            var input = CacheReader(p, from: e.report.lowerBound, to: e.report.upperBound)
            return try? ReportCodec.decode(&input, file: file)
        }
    }
}

/// The cache's part in one load. A folder's cache file is read when its first file comes up,
/// and written again, if any of its files had to be read, as soon as its last file is done (by
/// the thread that did it), so that a load holds only the folders in progress and the writing
/// goes on beside the reading.
final class LoadCache: @unchecked Sendable {
    enum Outcome {
        case none
        /// Taken from the folder's cache file.
        case hit
        /// Read from the file; the entry to write for it (nil when it is too recent).
        case read(entry: [UInt8]?)
        /// Not a report.
        case failed
    }

    /// One folder's state: its cache file once read (nil inside when it has none), and its
    /// files not yet done.
    final class Folder: Sendable {
        let path: String
        let members: [Int]
        let cache = Mutex<FolderCache??>(nil)
        let remaining: Atomic<Int>
        init(path: String, members: [Int]) {
            self.path = path
            self.members = members
            remaining = Atomic(members.count)
        }
    }

    let cache: ReportCache
    let files: [String]
    /// Per file: its folder (an index into `folders`).
    private let folderOf: [Int32]
    let folders: [Folder]
    let outcomes: Slots<Outcome>
    /// Files changed after this (nanoseconds since 1970) are read but not cached.
    private let settledBefore: Int64
    private let problem = Mutex<String?>(nil)
    private let madeDirectory = Atomic<Bool>(false)

    init(_ cache: ReportCache, files: [String]) {
        self.cache = cache
        self.files = files
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        settledBefore = Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec) - cache.settling
        let cwd = LoadCache.workingDirectory()
        // On the bytes, on the thread that starts the load before any file is read: a
        // national load is 100,000 paths. A folder's files come one after another (folders
        // are listed in order), so a path is first compared in place with the folder before
        // it, and only a new folder is made a string and looked up.
        var folderIndex: [String: Int32] = [:]
        var paths: [String] = [], members: [[Int]] = []
        var folderOf: [Int32] = []
        folderOf.reserveCapacity(files.count)
        var lastFolder: [UInt8] = [], lastIndex: Int32 = -1
        for (i, path) in files.enumerated() {
            let same = lastIndex >= 0 && LoadCache.withBytes(path) { p in
                LoadCache.folderLength(p) == lastFolder.count
                    && (lastFolder.isEmpty || memcmp(p.baseAddress!, lastFolder, lastFolder.count) == 0)
            }
            if !same {
                let folder = String(decoding: path.utf8.prefix(LoadCache.folderLength(path)), as: UTF8.self)
                if let known = folderIndex[folder] { lastIndex = known } else {
                    lastIndex = Int32(paths.count)
                    folderIndex[folder] = lastIndex
                    paths.append(folder.hasPrefix("/") ? folder : folder.isEmpty ? cwd : cwd + "/" + folder)
                    members.append([])
                }
                lastFolder = Array(folder.utf8)
            }
            folderOf.append(lastIndex)
            members[Int(lastIndex)].append(i)
        }
        self.folderOf = folderOf
        folders = zip(paths, members).map { Folder(path: $0, members: $1) }
        outcomes = Slots(count: files.count, empty: .none)
    }

    /// Where the last `/` of a path is, if it has one.
    private static func lastSlash(_ p: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = p.count
        while i > 0 { i -= 1; if p[i] == 0x2F { return i } }
        return nil
    }

    /// How many bytes of a path name its folder: those before its last `/`, or the `/` of a
    /// file at the root (`/a.txt`); none for a name alone (a file of the working folder).
    private static func folderLength(_ p: UnsafeBufferPointer<UInt8>) -> Int { lastSlash(p).map { max($0, 1) } ?? 0 }

    private static func folderLength(_ path: String) -> Int { withBytes(path, folderLength) }

    /// File `i`'s name in its folder, the key of its entry in the folder's cache file: made
    /// when a worker needs it, not for every file before the load starts.
    private func name(_ i: Int) -> String {
        let path = files[i]
        return LoadCache.withBytes(path) { p in
            LoadCache.lastSlash(p).map { String(decoding: UnsafeBufferPointer(rebasing: p[($0 + 1)...]), as: UTF8.self) }
        } ?? path
    }

    /// `body` on the path's UTF-8 bytes, in place (a path made by the loader is a native,
    /// contiguous string) or else copied.
    private static func withBytes<T>(_ path: String, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        if let result = path.utf8.withContiguousStorageIfAvailable(body) { return result }
        return Array(path.utf8).withUnsafeBufferPointer(body)
    }

    private static func workingDirectory() -> String {
        guard let cwd = getcwd(nil, 0) else { return "." }
        defer { free(cwd) }
        return String(cString: cwd)
    }

    /// The first problem met writing the cache, if any.
    var writeProblem: String? { problem.withLock { $0 } }

    /// The cache file of file `i`'s folder, read when first asked for.
    private func folderCache(_ i: Int) -> FolderCache? {
        let folder = folders[Int(folderOf[i])]
        return folder.cache.withLock { cached in
            if let known = cached { return known }
            let read = FolderCache(cache, folder: folder.path)
            cached = .some(read)
            return read
        }
    }

    /// The report cached for file `i`, if its file is unchanged.
    func report(_ i: Int) -> Report? {
        guard let folder = folderCache(i),
              let identity = FileIdentity.of(files[i]),
              let report = folder.report(name(i), identity: identity, file: files[i]) else { return nil }
        done(i, .hit)
        return report
    }

    /// Records file `i`, read from a file of `identity`, as `report`.
    func record(_ i: Int, identity: FileIdentity, report: Report) {
        guard identity.modified < settledBefore, identity.changed < settledBefore else {
            done(i, .read(entry: nil))
            return
        }
        var out = CacheWriter()
        out.bytes.reserveCapacity(2048)
        out.string(name(i))
        identity.write(to: &out)
        // The report's length, in four bytes filled in once it is written.
        let lengthAt = out.bytes.count
        out.bytes += [0, 0, 0, 0]
        ReportCodec.encode(report, into: &out)
        let length = UInt32(out.bytes.count - lengthAt - 4)
        for k in 0..<4 { out.bytes[lengthAt + k] = UInt8(truncatingIfNeeded: length >> (8 * k)) }
        done(i, .read(entry: out.bytes))
    }

    /// Records that file `i` is not a report.
    func failed(_ i: Int) { done(i, .failed) }

    /// Ends file `i`; the last file of a folder writes the folder's cache file.
    private func done(_ i: Int, _ outcome: Outcome) {
        outcomes.set(i, outcome)
        let folder = folders[Int(folderOf[i])]
        if folder.remaining.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 { save(folder) }
    }

    /// Writes the folder's cache file again if any of its files had to be read: entries for
    /// the files of this load, then the old entries of files it did not name that are still
    /// there. Then lets go of the folder's cache and entries.
    private func save(_ folder: Folder) {
        let old = folder.cache.withLock { cached in
            defer { cached = .some(nil) }
            return cached ?? nil
        }
        defer { for i in folder.members { outcomes.set(i, .none) } }
        let stale = folder.members.contains { i in if case .hit = outcomes.peek(i) { return false }; return true }
        guard stale else { return }
        var kept: [ArraySlice<UInt8>] = []
        var fresh: [[UInt8]] = []
        var named = Set<String>()
        var size = 0
        for i in folder.members {
            let name = name(i)
            named.insert(name)
            switch outcomes.peek(i) {
            case .hit: if let old, let e = old.entries[name] { kept.append(old.bytes[e.whole]); size += e.whole.count }
            case .read(let entry?): fresh.append(entry); size += entry.count
            default: break
            }
        }
        if let old {
            // Kept while their files are there: a load of some of a folder's files leaves
            // the others' entries.
            for (name, e) in old.entries where !named.contains(name) && FileIdentity.of(folder.path + "/" + name) != nil {
                kept.append(old.bytes[e.whole])
                size += e.whole.count
            }
        }
        if !madeDirectory.load(ordering: .acquiring) {
            // The cache is the user's own, like their history: folders made for them alone.
            if let (folder, error) = Folders.make(cache.directory, mode: 0o700) {
                note("cannot make \(folder): \(String(cString: strerror(error)))")
                return
            }
            madeDirectory.store(true, ordering: .releasing)
        }
        var out = cache.header(folder: folder.path)
        out.bytes.reserveCapacity(out.bytes.count + size + 16)
        out.unsigned(kept.count + fresh.count)
        for e in kept { out.bytes += e }
        for e in fresh { out.bytes += e }
        out.word(out.bytes.withUnsafeBufferPointer(ReportCache.checksum))
        let file = cache.fileName(for: folder.path)
        // A cache file need not survive a crash (a torn one fails its checksum): no fsync.
        switch AtomicFile.write(out.bytes, to: file, sync: false) {
        case nil: break
        case .create(let e)?, .write(let e)?: note("cannot write \(file): \(String(cString: strerror(e)))")
        }
    }

    private func note(_ message: String) {
        problem.withLock { if $0 == nil { $0 = message } }
    }
}
