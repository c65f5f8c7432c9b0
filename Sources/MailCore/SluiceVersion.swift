/// The version of this Sluice build: the one place it is written down. Sieve's
/// `environment "version"` reports it, and the command-line tools print it.
public enum SluiceVersion {
    /// The release this source tree is (semantic versioning).
    public static let current = "0.1.0"
}
