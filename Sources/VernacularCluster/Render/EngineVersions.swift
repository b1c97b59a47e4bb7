/// The engine versions bundles are written for and tested against: their config keys change
/// between releases (torchtitan moved from TOML to Python config registries after 0.2), so a
/// bundle names the release it fits.
public enum EngineVersions {
    /// Neuron SDK release whose NxD Training the NxD bundle targets.
    public static let neuronSDK = "2.26.0"
    public static let nxdTraining = "1.6.0"
    /// The commit of aws-neuron/neuronx-distributed-training ("Neuron SDK Release 2.26.0 changes")
    /// holding training_orchestrator.py and the checkpoint converter for that release: the repository
    /// has no release tags, so the bundle pins the commit.
    public static let nxdTrainingCommit = "9169aa03f39efd4eb02da63891a7ed98defb1714"
    /// The last torchtitan release whose job config is TOML (`--job.config_file`).
    public static let torchtitan = "0.2.2"
    public static let torchtitanTag = "v0.2.2"
    /// The PyTorch release torchtitan 0.2.2 imports (it needs torch.nn.attention.varlen, new in 2.11;
    /// with 2.9 the import fails).
    public static let torch = "2.11.0"
}
