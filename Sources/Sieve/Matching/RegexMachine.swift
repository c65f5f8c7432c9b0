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
        return machine.run(text)
    }
}

/// The state of one Pike VM run: two thread lists (this character's and the next's),
/// each a sparse set of instruction indices with a row of capture slots per thread.
struct RegexMachine {
    private let program: [RegexInstruction]
    private let sets: [RegexCharacterSet]
    private let folding: RegexCaseFolding
    private let anchoredAtStart: Bool
    private let slotCount: Int

    private var current: ThreadList
    private var next: ThreadList
    /// Depth-first work list for following splits and jumps: instruction indices, or
    /// (as `-1 - slot`, with the saved value after it) a capture slot to restore.
    private var stack: [Int] = []
    /// The capture slots of the thread being followed.
    private var scratch: [Int]
    private(set) var work = 0

    init(pattern: RegexPattern, slotCount: Int) {
        self.program = pattern.program
        self.sets = pattern.sets
        self.folding = pattern.folding
        self.anchoredAtStart = pattern.anchoredAtStart
        self.slotCount = slotCount
        self.current = ThreadList(size: pattern.program.count, slotCount: slotCount)
        self.next = ThreadList(size: pattern.program.count, slotCount: slotCount)
        self.scratch = Array(repeating: -1, count: slotCount)
    }

    mutating func run(_ text: UnsafeBufferPointer<UInt8>) -> (match: RegexMatch?, work: Int) {
        var best: [Int]?
        var position = 0
        let end = text.count
        while true {
            // Start a new thread here while nothing has matched yet (lowest priority:
            // threads that started further left come first).
            if best == nil && (!anchoredAtStart || position == 0) {
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
                if let best, current.slots[row] > best[0] { continue }
                let advances: Bool
                switch program[pc] {
                case .match:
                    if best == nil || current.slots[row] < best![0]
                        || (current.slots[row] == best![0] && position > best![1]) {
                        var found = Array(current.slots[row..<(row + slotCount)])
                        found[1] = position
                        best = found
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
        guard let best else { return (nil, work) }
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
        stack.append(pc)
        while let top = stack.popLast() {
            if top < 0 {
                let value = stack.removeLast()
                scratch[-1 - top] = value
                continue
            }
            guard intoNext ? next.insert(top) : current.insert(top) else { continue }
            work += 1
            switch program[top] {
            case .jump(let target):
                stack.append(target)
            case .split(let first, let second):
                stack.append(second)
                stack.append(first)
            case .save(let slot):
                if slot < slotCount {
                    // Restore the slot once everything reached from here has been followed.
                    stack.append(scratch[slot])
                    stack.append(-1 - slot)
                    scratch[slot] = position
                }
                stack.append(top + 1)
            case .startAnchor:
                if position == 0 { stack.append(top + 1) }
            case .endAnchor:
                if position == end { stack.append(top + 1) }
            case .character, .anyCharacter, .set, .match:
                if intoNext { next.store(scratch, for: top) } else { current.store(scratch, for: top) }
            }
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
    private(set) var dense: [Int]
    /// For each instruction, its position in `dense` (valid only if it points back).
    private var sparse: [Int]
    /// Capture slots: row `i` (of `slotCount`) belongs to `dense[i]`.
    private(set) var slots: [Int]
    private(set) var count = 0
    private let slotCount: Int

    init(size: Int, slotCount: Int) {
        self.dense = Array(repeating: 0, count: size)
        self.sparse = Array(repeating: 0, count: size)
        self.slots = Array(repeating: -1, count: size * slotCount)
        self.slotCount = slotCount
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
    mutating func store(_ captures: [Int], for pc: Int) {
        let row = sparse[pc] * slotCount
        for i in 0..<slotCount { slots[row + i] = captures[i] }
    }

    mutating func clear() { count = 0 }
}
