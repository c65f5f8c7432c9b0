import Glibc

extension MaildirStore {
    /// The folder directories of this Maildir: the root and every `.<name>` directory under it.
    func folderDirectories() throws(MaildirError) -> [String] {
        let entries: [String]
        do throws(SystemCallError) {
            entries = try fileSystem.contentsOfDirectory(root)
        } catch where error.errno == ENOENT {
            return []
        } catch {
            throw .system("opendir", error.errno, root)
        }
        var directories = [root]
        for entry in entries.sorted() where entry.hasPrefix(".") && entry != "." && entry != ".." {
            let path = root + "/" + entry
            if (try? fileSystem.stat(path))?.isDirectory == true { directories.append(path) }
        }
        return directories
    }

    /// Removes files left in `tmp/` of every folder by interrupted deliveries, and returns how many.
    ///
    /// A file is stale when neither its access nor its modification time is within `age`
    /// (default `configuration.temporaryFileLifetime`, 36 hours as the Maildir description
    /// says). The server calls this at start. Files that vanish meanwhile are skipped.
    ///
    /// - SeeAlso: https://cr.yp.to/proto/maildir.html ("files in tmp that have not been accessed for 36 hours")
    @discardableResult
    public func cleanupTemporaryFiles(olderThan age: Duration? = nil) throws(MaildirError) -> Int {
        let limit = age ?? configuration.temporaryFileLifetime
        let (seconds, attoseconds) = limit.components
        let cutoff = now() - (seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        var removed = 0
        for directory in try folderDirectories() {
            let tmp = directory + "/tmp"
            let names: [String]
            do throws(SystemCallError) {
                names = try fileSystem.contentsOfDirectory(tmp)
            } catch where error.errno == ENOENT || error.errno == ENOTDIR {
                continue
            } catch {
                throw .system("opendir", error.errno, tmp)
            }
            for name in names {
                let path = tmp + "/" + name
                guard let status = try? fileSystem.stat(path), status.isRegularFile,
                    max(status.modified, status.accessed) < cutoff
                else { continue }
                do throws(SystemCallError) {
                    try fileSystem.unlink(path)
                    removed += 1
                } catch where error.errno == ENOENT {
                    continue
                } catch {
                    throw .system("unlink", error.errno, path)
                }
            }
        }
        return removed
    }
}
