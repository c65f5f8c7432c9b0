extension RegexPattern {
    /// The leftmost-longest match of the pattern anywhere in `value`, or nil.
    ///
    /// With `captures` false only the whole match is tracked (cheaper); the groups come
    /// back nil. Characters are the value's Unicode scalars: `.` matches one whole
    /// scalar, never part of its UTF-8 encoding.
    public func firstMatch(in value: String, captures: Bool = true) -> RegexMatch? {
        UTF8Bytes.with(value) { run($0, captures: captures).match }
    }

    /// Runs the machine over `text` (valid UTF-8). Also returns the work done: the number
    /// of thread visits, at most (instructions + 1) × (characters + 1).
    func run(_ text: UnsafeBufferPointer<UInt8>, captures: Bool) -> (match: RegexMatch?, work: Int) {
        var machine = RegexMachine(pattern: self, slotCount: captures ? 2 * (capturedGroupCount + 1) : 2)
        defer { machine.deallocate() }
        return machine.run(text)
    }
}

/// The state of one Pike VM run: two thread lists (this character's and the next's),
/// each a sparse set of instruction indices with a row of capture slots per thread.
///
/// Its buffers are allocated once per run and freed by `deallocate()` (plain pointers: the
/// inner loop then pays no copy-on-write checks); a machine never leaves `RegexPattern.run`.
struct RegexMachine {
    private let program: [RegexInstruction]
    private let sets: [RegexCharacterSet]
    private let folding: RegexCaseFolding
    private let anchoredAtStart: Bool
    private let slotCount: Int

    private var current: ThreadList
    private var next: ThreadList
    /// Depth-first work list for following splits and jumps: instruction indices, or
    /// (as `-1 - slot`, with the saved value after it) a capture slot to restore. Each
    /// instruction followed pushes at most three entries, so 3 × instructions + 4 suffice.
    private let stack: UnsafeMutableBufferPointer<Int>
    private var stackCount = 0
    /// The capture slots of the thread being followed.
    private let scratch: UnsafeMutableBufferPointer<Int>
    private(set) var work = 0
    /// The value being searched (set for the duration of `run`).
    private var text = UnsafeBufferPointer<UInt8>(start: nil, count: 0)

    init(pattern: RegexPattern, slotCount: Int) {
        self.program = pattern.program
        self.sets = pattern.sets
        self.folding = pattern.folding
        self.anchoredAtStart = pattern.anchoredAtStart
        self.slotCount = slotCount
        self.current = ThreadList(size: pattern.program.count, slotCount: slotCount)
        self.next = ThreadList(size: pattern.program.count, slotCount: slotCount)
        self.scratch = .allocate(capacity: slotCount)
        self.scratch.initialize(repeating: -1)
        self.stack = .allocate(capacity: 3 * pattern.program.count + 4)
        self.stack.initialize(repeating: 0)
    }

    /// Frees the buffers; the machine is not used afterwards.
    func deallocate() {
        stack.deallocate()
        scratch.deallocate()
        current.deallocate()
        next.deallocate()
    }

    mutating func run(_ text: UnsafeBufferPointer<UInt8>) -> (match: RegexMatch?, work: Int) {
        self.text = text
        defer { self.text = UnsafeBufferPointer(start: nil, count: 0) }
        // The best match so far: its start (-1: none yet) and its capture slots.
        var bestStart = -1
        var best: [Int] = []
        var position = 0
        let end = text.count
        while true {
            // Start a new thread here while nothing has matched yet (lowest priority:
            // threads that started further left come first).
            if bestStart < 0 && (!anchoredAtStart || position == 0) {
                for i in 0..<slotCount { scratch[i] = -1 }
                follow(0, at: position, end: end, intoNext: false)
            }
            if current.count == 0 { break }
            var scalar: UInt32 = 0
            var after = end
            if position < end { (scalar, after) = Self.decode(text, at: position) }
            let folded = folding.fold(scalar)
            for t in 0..<current.count {
                let pc = current.dense[t]
                let row = t * slotCount
                // Threads that started right of the best match can no longer win.
                let start = current.slots[row]
                if bestStart >= 0 && start > bestStart { continue }
                let advances: Bool
                switch program[pc] {
                case .match:
                    if bestStart < 0 || start < bestStart || (start == bestStart && position > best[1]) {
                        best = Array(current.slots[row..<(row + slotCount)])
                        best[1] = position
                        bestStart = start
                    }
                    continue
                case .character(let c): advances = position < end && c == folded
                case .anyCharacter: advances = position < end
                case .set(let index): advances = position < end && sets[index].matches(scalar, folded: folded)
                default: advances = false  // followed when the thread was added
                }
                if advances {
                    for i in 0..<slotCount { scratch[i] = current.slots[row + i] }
                    follow(pc + 1, at: after, end: end, intoNext: true)
                }
            }
            swap(&current, &next)
            next.clear()
            if position >= end { break }
            position = after
        }
        guard bestStart >= 0 else { return (nil, work) }
        var ranges: [Range<Int>?] = []
        ranges.reserveCapacity(slotCount / 2)
        for g in 0..<(slotCount / 2) {
            let start = best[2 * g], stop = best[2 * g + 1]
            ranges.append(start >= 0 && stop >= start ? start..<stop : nil)
        }
        return (RegexMatch(ranges: ranges), work)
    }

    /// Adds the thread at `pc` (with the captures in `scratch`) to the next list or this one, following
    /// splits, jumps, saves and anchors depth first, so that the list holds the
    /// threads waiting on a character (or at `match`) in priority order. An instruction
    /// already in the list is not added again: the thread there has priority.
    private mutating func follow(_ pc: Int, at position: Int, end: Int, intoNext: Bool) {
        push(pc)
        while stackCount > 0 {
            stackCount -= 1
            let top = stack[stackCount]
            if top < 0 {
                stackCount -= 1
                scratch[-1 - top] = stack[stackCount]
                continue
            }
            guard intoNext ? next.insert(top) : current.insert(top) else { continue }
            work += 1
            switch program[top] {
            case .jump(let target):
                push(target)
            case .split(let first, let second):
                push(second)
                push(first)
            case .save(let slot):
                if slot < slotCount {
                    // Restore the slot once everything reached from here has been followed.
                    push(scratch[slot])
                    push(-1 - slot)
                    scratch[slot] = position
                }
                push(top + 1)
            case .startAnchor:
                if position == 0 { push(top + 1) }
            case .endAnchor:
                if position == end { push(top + 1) }
            case .assertion(let assertion):
                if holds(assertion, at: position) { push(top + 1) }
            case .character, .anyCharacter, .set, .match:
                if intoNext { next.store(scratch, for: top) } else { current.store(scratch, for: top) }
            }
        }
    }

    @inline(__always)
    private mutating func push(_ entry: Int) {
        stack[stackCount] = entry
        stackCount += 1
    }

    /// Whether a word assertion holds between the characters before and after `position`.
    private func holds(_ assertion: RegexAssertion, at position: Int) -> Bool {
        func isWord(_ c: UInt32) -> Bool { c == 0x5F || RegexCharacterClass.alnum.contains(c) }
        var before = false
        if position > 0 {
            var start = position - 1
            while start > 0 && text[start] & 0xC0 == 0x80 { start -= 1 }
            before = isWord(Self.decode(text, at: start).0)
        }
        let after = position < text.count && isWord(Self.decode(text, at: position).0)
        switch assertion {
        case .wordBoundary: return before != after
        case .notWordBoundary: return before == after
        case .wordStart: return !before && after
        case .wordEnd: return before && !after
        }
    }

    /// The scalar starting at `index` and the index after it (the text is valid UTF-8).
    @inline(__always)
    static func decode(_ text: UnsafeBufferPointer<UInt8>, at index: Int) -> (UInt32, Int) {
        let b0 = UInt32(text[index])
        if b0 < 0x80 { return (b0, index + 1) }
        if b0 < 0xE0 {
            return ((b0 & 0x1F) << 6 | UInt32(text[index + 1] & 0x3F), index + 2)
        }
        if b0 < 0xF0 {
            return ((b0 & 0x0F) << 12 | UInt32(text[index + 1] & 0x3F) << 6 | UInt32(text[index + 2] & 0x3F), index + 3)
        }
        return ((b0 & 0x07) << 18 | UInt32(text[index + 1] & 0x3F) << 12 | UInt32(text[index + 2] & 0x3F) << 6
                    | UInt32(text[index + 3] & 0x3F), index + 4)
    }
}

/// A sparse set of instruction indices in insertion order, with capture slots per entry.
struct ThreadList {
    /// Instruction indices in the order they were added.
    let dense: UnsafeMutableBufferPointer<Int>
    /// For each instruction, its position in `dense` (valid only if it points back).
    private let sparse: UnsafeMutableBufferPointer<Int>
    /// Capture slots: row `i` (of `slotCount`) belongs to `dense[i]`.
    let slots: UnsafeMutableBufferPointer<Int>
    private(set) var count = 0
    private let slotCount: Int

    init(size: Int, slotCount: Int) {
        self.dense = .allocate(capacity: max(size, 1))
        self.dense.initialize(repeating: 0)
        self.sparse = .allocate(capacity: max(size, 1))
        self.sparse.initialize(repeating: 0)
        self.slots = .allocate(capacity: max(size * slotCount, 1))
        self.slots.initialize(repeating: -1)
        self.slotCount = slotCount
    }

    func deallocate() {
        dense.deallocate()
        sparse.deallocate()
        slots.deallocate()
    }

    /// Adds `pc`; false when it is already in the list.
    @inline(__always)
    mutating func insert(_ pc: Int) -> Bool {
        let i = sparse[pc]
        if i < count && dense[i] == pc { return false }
        sparse[pc] = count
        dense[count] = pc
        count += 1
        return true
    }

    /// Stores the capture slots of `pc`, which was just inserted.
    @inline(__always)
    func store(_ captures: UnsafeMutableBufferPointer<Int>, for pc: Int) {
        let row = sparse[pc] * slotCount
        for i in 0..<slotCount { slots[row + i] = captures[i] }
    }

    mutating func clear() { count = 0 }
}
