import Foundation

/// A one-line progress bar on standard error, redrawn in place, e.g. `[#######.....]  6,000/10,000 products`.
struct ProgressBar: Sendable {
    let noun: String
    let width = 30

    func draw(done: Int, total: Int) {
        let fraction = total == 0 ? 1 : Double(done) / Double(total)
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let line = "\r[\(bar)] \(done.formatted())/\(total.formatted()) \(noun)"
        FileHandle.standardError.write(Data((done >= total ? line + "\n" : line).utf8))
    }
}
