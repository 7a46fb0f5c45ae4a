// Loading files and folders into a corpus: expand paths, read and parse in parallel.
//
// Files are parsed in batches on all cores; each batch is appended to the corpus in path
// order, so a load gives the same corpus every time. Ctrl-C sets the cancellation flag; the
// loader notices it between files and stops with what it has appended, which stays
// consistent because a report is appended whole or not at all.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Synchronization

/// Set from a signal handler, polled by long-running work.
public final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    public init() {}
    public var isSet: Bool { flag.load(ordering: .relaxed) }
    public func set() { flag.store(true, ordering: .relaxed) }
    public func clear() { flag.store(false, ordering: .relaxed) }
}

public struct LoadFailure: Error, Sendable, Equatable {
    public var file: String
    public var message: String
}

/// Values written by worker threads, each into its own slot of a fixed buffer (no Swift
/// array: its exclusivity and copy-on-write checks are not for concurrent writers). Distinct
/// threads write distinct slots; one thread takes them afterwards.
final class Slots<Element>: @unchecked Sendable {
    private let buffer: UnsafeMutablePointer<Element>
    let count: Int
    private let empty: Element

    init(count: Int, empty: Element) {
        self.count = count
        self.empty = empty
        buffer = .allocate(capacity: max(1, count))
        buffer.initialize(repeating: empty, count: max(1, count))
    }

    deinit {
        buffer.deinitialize(count: max(1, count))
        buffer.deallocate()
    }

    /// Moves `value` into slot `i` (taken, not borrowed: storing a borrowed value copies it;
    /// and an assignment through the pointer's subscript copied it too).
    func set(_ i: Int, _ value: consuming Element) {
        (buffer + i).deinitialize(count: 1)
        (buffer + i).initialize(to: value)
    }

    /// The value at `i`, copied.
    func peek(_ i: Int) -> Element { buffer[i] }

    /// The value at `i`, moved out (the slot is left empty): no copy.
    func take(_ i: Int) -> Element {
        let value = (buffer + i).move()
        (buffer + i).initialize(to: empty)
        return value
    }
}

/// The folder of the file last opened, held open, so that the next file in it is opened by
/// its name in the folder (`openat`): opened by its whole path, each file's folders are looked
/// up again, component by component, and a load's files come a folder at a time (a C program
/// reading the 100,000 bench files: 0.46 s by name against 0.51 s by path, medians of six).
/// A path without a folder, or whose folder cannot be opened, is opened by the whole path.
/// (A folder replaced by another of its name while a worker holds it open is still read: the
/// files of a load are those found when it began.)
struct OpenFolder: ~Copyable {
    private var folder: [CChar] = []
    private var fd: Int32 = -1

    deinit { if fd >= 0 { close(fd) } }

    /// Opens the file at `path` for reading, with `flags` besides: a descriptor, or -1 with
    /// `errno` set.
    mutating func open(_ path: String, flags: Int32 = 0) -> Int32 {
        path.withCString { whole -> Int32 in
            guard let slash = strrchr(whole, 0x2F), slash != whole, slash[1] != 0 else { return Self.openWhole(whole, flags) }
            let length = whole.distance(to: slash)
            // `folder` is the folder's path as a C string of its own, its NUL included.
            let same = length + 1 == folder.count && folder.withUnsafeBufferPointer { memcmp($0.baseAddress!, whole, length) == 0 }
            if !same {
                if fd >= 0 { close(fd) }
                folder = Array(UnsafeBufferPointer(start: whole, count: length)) + [0]
                fd = folder.withUnsafeBufferPointer { Self.openFolder($0.baseAddress!) }
            }
            return fd >= 0 ? openat(fd, slash + 1, O_RDONLY | O_CLOEXEC | flags) : Self.openWhole(whole, flags)
        }
    }

    private static func openWhole(_ path: UnsafePointer<CChar>, _ flags: Int32) -> Int32 { openPath(path, O_RDONLY | O_CLOEXEC | flags) }

    /// A folder opened to open files in it. (One that cannot be listed fails here, and its
    /// files are opened by their whole paths.)
    private static func openFolder(_ path: UnsafePointer<CChar>) -> Int32 { openPath(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }

    /// The C library's `open`, which `open(_:)` hides here.
    private static func openPath(_ path: UnsafePointer<CChar>, _ flags: Int32) -> Int32 {
        #if canImport(Glibc)
        return Glibc.open(path, flags)
        #else
        return Darwin.open(path, flags)
        #endif
    }
}

/// A batch's parse results, and the columns their readings are stored in.
final class ResultSlots: Sendable {
    let results: Slots<Result<Report, LoadFailure>?>
    var count: Int { results.count }

    /// The field readings of the reports, stored by the thread that read each one.
    let columns: ColumnBatch
    /// How many of the reports were taken from the report cache.
    let fromCache = Atomic<Int>(0)

    init(count: Int, columns: ColumnBatch) {
        precondition(count <= columns.capacity)
        results = Slots(count: count, empty: nil)
        self.columns = columns
        columns.reuse()
    }

    /// Parses `files` into the slots from `first` on; distinct threads parse distinct ranges.
    /// The reports' readings go into the columns here, a run of rows at a time; each report is
    /// kept for its other attributes, without them, so that the thread that read it also frees
    /// them rather than leaving that to the one appending the batch. Each result goes into its
    /// slot as soon as it is parsed, with no list of a run's results in between. A failed
    /// file's row is left unwritten.
    func parse(_ files: ArraySlice<String>, from first: Int, in folder: inout OpenFolder, cache: LoadCache?,
               irregular: Set<String>) {
        var run: [FieldCells] = []
        run.reserveCapacity(files.count)
        var runStart = first
        func storeRun() {
            run.withUnsafeBufferPointer { columns.store($0, at: runStart) }
            run.removeAll(keepingCapacity: true)
        }
        for (k, path) in files.enumerated() {
            let index = files.startIndex + k
            // The report goes to its slot without its readings, which go to the run: moved,
            // never copied (a copy retains each of its arrays and strings).
            var cells = FieldCells(count: 0)
            let result: Result<Report, LoadFailure>
            if var cached = cache?.report(index) {
                fromCache.add(1, ordering: .relaxed)
                swap(&cells, &cached.cells)
                result = .success(cached)
            } else {
                result = Loader.parse(path, index: index, in: &folder, cache: cache,
                                      listedRegular: irregular.isEmpty || !irregular.contains(path), cells: &cells)
            }
            // The result goes to its slot whole: taken apart and made again, its report
            // was copied.
            if case .failure = result {
                storeRun()
                runStart = first + k + 1
            } else {
                run.append(cells)
            }
            results.set(first + k, consume result)
        }
        storeRun()
    }

    func take(_ i: Int) -> Result<Report, LoadFailure>? { results.take(i) }
}

public struct LoadSummary: Sendable {
    public var reports = 0
    public var warnings = 0
    public var failures: [LoadFailure] = []
    public var alreadyLoaded = 0
    public var cancelled = false
    public var seconds = 0.0
    /// Reports taken from the cache rather than read.
    public var fromCache = 0
    /// Why the cache could not be written, if it could not.
    public var cacheProblem: String?

    /// " (N from the cache)" for a load line, or nothing when no report came from it.
    public var fromCacheNote: String { fromCache > 0 ? " (\(fromCache) from the cache)" : "" }
}

/// A file's path spelt one way, however it was given: its folder resolved by `realpath`
/// (`./Data`, `Data/../Data`, an absolute path, a symbolic link to the folder), each folder
/// once, and the file itself when it is a symbolic link (`b.txt -> a.txt` is a.txt). Loading
/// `Data` and then `./Data` must not load every report twice: an auditor's sums would double.
/// A path whose folder does not resolve (gone since) stays as given.
struct CanonicalPaths {
    private var folders: [Substring: String] = [:]
    /// The last folder resolved: a load's files come folder by folder.
    private var lastFolder: Substring = "", lastResolved = ""

    mutating func path(_ path: String) -> String {
        // A link to a file names its target. One lstat per file: canonical paths are made
        // only when a load may name a file twice, never for a single folder without links.
        var st = stat()
        if lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFLNK, let p = realpath(path, nil) {
            defer { free(p) }
            return String(cString: p)
        }
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { $0 == path.startIndex ? path[...$0] : path[..<$0] } ?? "."
        let resolved = folder == lastFolder ? lastResolved : resolve(folder)
        lastFolder = folder; lastResolved = resolved
        // Already canonical (an absolute path without links, `.` or `..`): no new string.
        if slash != nil && resolved.utf8.elementsEqual(folder.utf8) { return path }
        let name = slash.map { path[path.index(after: $0)...] } ?? path[...]
        return resolved.hasSuffix("/") ? resolved + name : resolved + "/" + name
    }

    private mutating func resolve(_ folder: Substring) -> String {
        if let known = folders[folder] { return known }
        var resolved = String(folder)
        if let p = realpath(resolved, nil) {
            resolved = String(cString: p)
            free(p)
        }
        folders[folder] = resolved
        return resolved
    }
}

public enum Loader {
    /// File extensions searched for in folders.
    public static let extensions: Set<String> = ["txt", "md", "html", "htm", "text"]

    /// Expands files, folders (recursively) and globs into a sorted list of files; paths that
    /// match nothing become failures.
    public static func expand(_ paths: [String]) -> (files: [String], failures: [LoadFailure]) {
        let listed = list(paths)
        return (listed.files, listed.failures)
    }

    /// `expand`'s files and failures, and those of the files that are not regular files (a
    /// pipe or a device named on the command line, `nianbao <(curl …)`): every other file was
    /// found a regular file by the listing (its entry's type, or `stat`), so reading it needs
    /// no `fstat` to learn its type.
    static func list(_ paths: [String]) -> (files: [String], failures: [LoadFailure], irregular: Set<String>) {
        var files: [String] = []
        var failures: [LoadFailure] = []
        var irregular = Set<String>()
        var linked = false
        // A folder named by the user that holds no report is said, not passed over: a wrong
        // folder, or reports saved as .doc, would otherwise load nothing without a word.
        // (A folder inside it without reports, one of images say, is not.)
        func collectNamed(_ path: String) {
            let before = files.count
            collect(path, into: &files, failures: &failures, linked: &linked, irregular: &irregular)
            var st = stat()
            if files.count == before, stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
                let names = extensions.sorted().map { "." + $0 }
                failures.append(LoadFailure(file: path, message: "no reports in this folder (no file in it or below it ends in "
                                            + names.dropLast().joined(separator: ", ") + " or " + names.last! + ")"))
            }
        }
        for path in paths {
            if path.contains(where: { $0 == "*" || $0 == "?" || $0 == "[" }) {
                let matches = glob(path)
                if matches.isEmpty { failures.append(LoadFailure(file: path, message: "no file matches")) }
                for m in matches { collectNamed(m) }
            } else {
                collectNamed(path)
            }
        }
        // One path names a file once unless a link was followed; several paths
        // can name it twice (a folder and a file in it, the same folder spelt two ways).
        if paths.count > 1 || linked {
            var seen = Set<String>()
            var canonical = CanonicalPaths()
            files = files.filter { seen.insert(canonical.path($0)).inserted }
        }
        return (files, failures, irregular)
    }

    /// `linked` is set when a symbolic link is followed: the files of a linked folder, or a
    /// linked file, may then be found twice. `path`, when it names no folder and no regular
    /// file, goes into `irregular` too (a folder's files are regular: others are left out).
    private static func collect(_ path: String, into files: inout [String], failures: inout [LoadFailure], linked: inout Bool,
                                irregular: inout Set<String>) {
        var st = stat()
        guard stat(path, &st) == 0 else {
            failures.append(LoadFailure(file: path, message: String(cString: strerror(errno))))
            return
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            guard let dir = opendir(path) else {
                failures.append(LoadFailure(file: path, message: String(cString: strerror(errno))))
                return
            }
            // The entry's type from readdir saves a stat per file; links and file systems
            // that do not say are asked with stat. The name is read where it lies: an entry
            // is only as long as its name, so copying `d_name` whole (256 bytes) can read past
            // the end of the listing's buffer.
            let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
            // The names side by side in one buffer, sorted by their bytes (the order `LC_ALL=C
            // ls` gives, and Unicode's for names in NFC): a String for each name, compared by
            // Unicode's rules, took a third of the time of listing 100,000 files.
            var names: [UInt8] = []
            var entries: [(start: Int, count: Int, type: UInt8)] = []
            while let e = readdir(dir) {
                let name = (UnsafeRawPointer(e) + nameOffset).assumingMemoryBound(to: UInt8.self)
                if name[0] == 0x2E { continue }     // hidden, and the folder and its parent
                let count = strlen(name)
                entries.append((names.count, count, e.pointee.d_type))
                names.append(contentsOf: UnsafeBufferPointer(start: name, count: count))
            }
            closedir(dir)
            let base = path.hasSuffix("/") ? String(path.dropLast()) : path
            let prefix = Array((base + "/").utf8)
            // Files in name order, each folder's files in its place. Folders are listed in
            // parallel: a national corpus is folders of thousands of files, and listing them
            // one after another would keep the cores idle before the first file is parsed.
            enum Child { case file(String), folder(String) }
            var children: [Child] = []
            names.withUnsafeBufferPointer { bytes in
                sortByName(&entries, names: bytes)
                for (start, count, type) in entries {
                    let name = UnsafeBufferPointer(rebasing: bytes[start..<(start + count)])
                    let child = String(unsafeUninitializedCapacity: prefix.count + count) { path in
                        _ = path.initialize(fromContentsOf: prefix)
                        _ = path[prefix.count...].initialize(fromContentsOf: name)
                        return prefix.count + count
                    }
                    var mode = type == UInt8(DT_DIR) ? S_IFDIR : type == UInt8(DT_REG) ? S_IFREG : 0
                    if mode == 0 {
                        var cst = stat()
                        guard stat(child, &cst) == 0 else { continue }
                        mode = cst.st_mode & S_IFMT
                        if type == UInt8(DT_LNK) { linked = true }
                    }
                    if mode == S_IFDIR { children.append(.folder(child)) }
                    else if hasReportExtension(name) {
                        // A named pipe, socket or device among the reports is no report, and
                        // opening a pipe would wait for a writer that never comes.
                        if mode == S_IFREG { children.append(.file(child)) }
                        else { failures.append(LoadFailure(file: child, message: "\(Self.kind(of: mode)), not a file: left out of the folder's reports")) }
                    }
                }
            }
            let folders = children.compactMap { if case .folder(let f) = $0 { return f }; return nil }
            let listed = Slots<(files: [String], failures: [LoadFailure], linked: Bool)>(count: folders.count, empty: ([], [], false))
            DispatchQueue.concurrentPerform(iterations: folders.count) { k in
                var found: [String] = [], failed: [LoadFailure] = [], followed = false, none = Set<String>()
                collect(folders[k], into: &found, failures: &failed, linked: &followed, irregular: &none)
                listed.set(k, (found, failed, followed))
            }
            var k = 0
            for child in children {
                switch child {
                case .file(let f):
                    files.append(f)
                case .folder:
                    let (found, failed, followed) = listed.take(k)
                    files += found
                    failures += failed
                    linked = linked || followed
                    k += 1
                }
            }
        } else {
            files.append(path)
            if (st.st_mode & S_IFMT) != S_IFREG { irregular.insert(path) }
        }
    }

    /// Sorts a folder's entries by their names' bytes (`names[start..<(start + count)]`).
    private static func sortByName(_ entries: inout [(start: Int, count: Int, type: UInt8)], names: UnsafeBufferPointer<UInt8>) {
        guard let first = names.baseAddress else { return }     // no names: nothing to sort
        let base = UnsafeRawPointer(first)
        entries.sort { a, b in
            // The first eight bytes as one big-endian number order two names as their bytes
            // do, and part most names of a folder: a call of memcmp at each of the sort's
            // comparisons was a fifth of the instructions of listing the files.
            if a.count >= 8 && b.count >= 8 {
                let x = base.loadUnaligned(fromByteOffset: a.start, as: UInt64.self).bigEndian
                let y = base.loadUnaligned(fromByteOffset: b.start, as: UInt64.self).bigEndian
                if x != y { return x < y }
            }
            let order = memcmp(base + a.start, base + b.start, min(a.count, b.count))
            return order != 0 ? order < 0 : a.count < b.count
        }
    }

    /// `extensions` as lower-case bytes, for testing a folder's names without building strings.
    private static let extensionBytes: [[UInt8]] = extensions.map { Array($0.utf8) }

    /// Whether `name` ends in `.` and one of `extensions`, in any case.
    static func hasReportExtension<Name: BidirectionalCollection<UInt8>>(_ bytes: Name) -> Bool {
        guard let dot = bytes.lastIndex(of: 0x2E) else { return false }
        let ext = bytes[bytes.index(after: dot)...]
        return extensionBytes.contains { known in
            known.count == ext.count && zip(known, ext).allSatisfy { k, b in k == Bytes.lowercased(b) }
        }
    }

    private static func glob(_ pattern: String) -> [String] {
        var g = glob_t()
        defer { globfree(&g) }
        guard Glibc.glob(pattern, 0, nil, &g) == 0 else { return [] }
        var out: [String] = []
        for i in 0..<Int(g.gl_pathc) {
            if let p = g.gl_pathv[i] { out.append(String(cString: p)) }
        }
        return out.sorted()
    }

    /// What a file that is neither a regular file nor a folder is, by its mode's type bits.
    static func kind(of mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: return "a named pipe"
        case S_IFSOCK: return "a socket"
        case S_IFCHR, S_IFBLK: return "a device"
        default: return "not a regular file"
        }
    }

    /// The most of one file read. A report is kilobytes to a few megabytes; a larger file
    /// (a log or a dump that happens to end in .txt), or a pipe that goes on giving bytes, is
    /// refused rather than read until memory runs out.
    public static let largestFile = 256 << 20

    /// Reads a whole file into memory.
    public static func readFile(_ path: String) throws(LoadError) -> [UInt8] {
        var st = stat()
        var folder = OpenFolder()
        return try readFile(path, in: &folder, stat: &st)
    }

    /// Reads a whole file into memory, and what `fstat` says of it in `st`; the file is opened
    /// in `folder` when it is the file's folder (see `OpenFolder`).
    static func readFile(_ path: String, in folder: inout OpenFolder, stat st: inout stat) throws(LoadError) -> [UInt8] {
        let fd = folder.open(path)
        guard fd >= 0 else { throw LoadError(message: String(cString: strerror(errno))) }
        defer { close(fd) }
        guard fstat(fd, &st) == 0 else { throw LoadError(message: String(cString: strerror(errno))) }
        let type = st.st_mode & S_IFMT
        if type == S_IFDIR { throw LoadError(message: "is a folder") }
        // A pipe is read (`nianbao <(curl …)`), a device is not: a terminal would wait for
        // typing, /dev/zero never end.
        if type == S_IFCHR || type == S_IFBLK { throw LoadError(message: "is a device, not a file") }
        if Int(st.st_size) > largestFile { throw tooLarge(Int(st.st_size)) }
        // Room for one byte more than the size: a short read then means the end, without
        // another call to find out. A file that grew meanwhile is read to its new end.
        return try readAll(fd, capacity: Int(st.st_size) + 1, regular: type == S_IFREG)
    }

    /// Reads a whole file that the listing found a regular file, without asking `fstat` its
    /// size and type again (1.8% of a load's time, in `perf`): into room for 64 KB, which
    /// holds most reports whole. A larger file is asked its size then, so that a log of
    /// gigabytes is refused before it is read. Opened without waiting: a pipe or device put in
    /// the file's place since the listing gives what it holds now, or an error, rather than
    /// stopping the load.
    static func readListedFile(_ path: String, in folder: inout OpenFolder) throws(LoadError) -> [UInt8] {
        let fd = folder.open(path, flags: O_NONBLOCK)
        guard fd >= 0 else { throw LoadError(message: String(cString: strerror(errno))) }
        defer { close(fd) }
        return try readAll(fd, capacity: 1 << 16, regular: true, askSizeWhenFull: true)
    }

    /// Reads `fd` to its end into room for `capacity` bytes, doubled while it fills (or, the
    /// first time it fills with `askSizeWhenFull`, made room for the size `fstat` gives). A
    /// regular file reads short only at its end, so one short read ends it; anything else is
    /// read until a read gives nothing.
    private static func readAll(_ fd: Int32, capacity start: Int, regular: Bool,
                                askSizeWhenFull: Bool = false) throws(LoadError) -> [UInt8] {
        var capacity = start
        var askSize = askSizeWhenFull
        var bytes: [UInt8] = []
        var failure: Int32?
        while failure == nil {
            let before = bytes.count
            let wanted = capacity - before
            var got = 0
            bytes = Array(unsafeUninitializedCapacity: capacity) { buf, initialized in
                if before > 0 { _ = UnsafeMutableBufferPointer(rebasing: buf[0..<before]).initialize(from: bytes) }
                while got < wanted {
                    let n = read(fd, buf.baseAddress! + before + got, wanted - got)
                    if n < 0 { if errno == EINTR { continue }; failure = errno; break }
                    if n == 0 { break }
                    got += n
                    // A regular file reads short only at its end.
                    if regular && got < wanted { break }
                }
                initialized = before + got
            }
            if got < wanted { break }
            if capacity > largestFile { throw tooLarge(nil) }
            var size = 0
            if askSize {
                askSize = false
                var st = stat()
                if fstat(fd, &st) == 0 {
                    if Int(st.st_size) > largestFile { throw tooLarge(Int(st.st_size)) }
                    size = Int(st.st_size) + 1
                }
            }
            capacity = min(max(capacity * 2, size), largestFile + 1)
        }
        if let failure { throw LoadError(message: String(cString: strerror(failure))) }
        return bytes
    }

    private static func tooLarge(_ size: Int?) -> LoadError {
        let limit = "\(largestFile >> 20) MB"
        if let size { return LoadError(message: "\(size >> 20) MB, more than a report can be (\(limit) at most): not read") }
        return LoadError(message: "goes on past \(limit), more than a report can be: not read")
    }

    public struct LoadError: Error { public var message: String }

    /// Parses file `index` of a load, `path`, and gives the cache, if any, what was read. The
    /// report comes without its readings, which are swapped into `cells`: they go to the
    /// batch's columns, and taking them from a report inside a `Result` copied the report.
    static func parse(_ path: String, index: Int, in folder: inout OpenFolder, cache: LoadCache?, listedRegular: Bool,
                      cells: inout FieldCells) -> Result<Report, LoadFailure> {
        do {
            // The cache needs the file's identity (`fstat`); without it, a file the listing
            // found regular is only read.
            var st = stat()
            let bytes = try cache == nil && listedRegular ? readListedFile(path, in: &folder) : readFile(path, in: &folder, stat: &st)
            do {
                let read = try ReportReader.read(bytes: bytes, file: path)
                cache?.record(index, identity: FileIdentity(st), report: read)
                var report = consume read
                swap(&cells, &report.cells)
                return .success(report)
            } catch {
                cache?.failed(index)
                return .failure(LoadFailure(file: path, message: error.description))
            }
        } catch {
            cache?.failed(index)
            return .failure(LoadFailure(file: path, message: error.message))
        }
    }

    /// Loads `paths` into `corpus`. `progress` is called after each batch with (done, total).
    /// With a `cache`, unchanged files are taken from it, and what was read is written to it.
    public static func load(_ paths: [String], into corpus: Corpus, cancel: CancellationFlag? = nil,
                            cache: ReportCache? = nil, progress: ((Int, Int) -> Void)? = nil) -> LoadSummary {
        let start = Clock.now()
        var summary = LoadSummary()
        let (all, failures, irregular) = list(paths)
        summary.failures = failures
        var files = all
        if corpus.count > 0 {
            // A file already loaded under another spelling of its path is the same file (the
            // canonical paths are made only for files not found by the path as given).
            var canonical = CanonicalPaths()
            files = []
            for file in all where !corpus.contains(file: file)
                && corpus.row(ofCanonicalPath: canonical.path(file), using: &canonical) == nil {
                files.append(file)
            }
        }
        summary.alreadyLoaded = all.count - files.count
        corpus.reserve(files.count)
        let loadCache = cache.map { LoadCache($0, files: files) }
        // Workers parse on all cores while this thread appends the parsed batches in order
        // (`LoadSchedule`); three batches of columns are used in turn, so workers can run up
        // to two batches ahead of the append.
        let schedule = LoadSchedule(files: files, irregular: irregular, batchSize: 512, runLength: 8)
        let columns = (0..<min(3, schedule.batchCount)).map { _ in
            ColumnBatch(capacity: min(schedule.batchSize, files.count))
        }
        for b in columns.indices { schedule.open(b, columns: columns[b]) }
        let workers = DispatchGroup()
        if schedule.batchCount > 0 {
            let cores = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
            DispatchQueue.global().async(group: workers) {
                DispatchQueue.concurrentPerform(iterations: cores) { _ in
                    schedule.work(cache: loadCache, cancel: cancel)
                }
            }
        }
        var done = 0
        for batch in 0..<schedule.batchCount {
            // A batch cut by Ctrl-C is not appended: the corpus stays consistent.
            guard let slots = schedule.parsed(batch, cancel: cancel) else {
                summary.cancelled = true
                schedule.stop()
                break
            }
            var reports: [Report] = []
            var rows: [Int] = []
            reports.reserveCapacity(slots.count)
            rows.reserveCapacity(slots.count)
            for row in 0..<slots.count {
                // Moved out of its slot and into the list, the report's last use: a report used
                // after it was appended was copied (a retain and a release of each of its
                // strings and arrays, on the thread every batch waits for).
                guard let taken = slots.take(row) else { continue }
                switch consume taken {
                case .success(let report):
                    rows.append(row)
                    summary.reports += 1
                    summary.warnings += report.warnings.count
                    reports.append(report)
                case .failure(let f):
                    summary.failures.append(f)
                }
            }
            corpus.append(reports, from: slots.columns, rows: rows)
            summary.fromCache += slots.fromCache.load(ordering: .relaxed)
            done += slots.count
            if batch + columns.count < schedule.batchCount {
                schedule.open(batch + columns.count, columns: slots.columns)
            }
            progress?(done, files.count)
        }
        workers.wait()
        summary.cacheProblem = loadCache?.writeProblem
        summary.seconds = Clock.now() - start
        return summary
    }
}

/// Wall-clock and CPU time, for `load` summaries and `set timer on`.
public enum Clock {
    public static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// (user, system) CPU seconds of this process.
    public static func cpu() -> (user: Double, sys: Double) {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let u = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        let s = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        return (u, s)
    }
}
