/// The accelerators the planner knows. A "device" is the unit `devices_per_node` counts: one
/// NeuronCore on Trainium (what NxD gives each rank), one GPU elsewhere.
public enum DeviceKind: String, Sendable, Codable, CaseIterable {
    case trn1, trn2, a100, h100, h200

    /// Dense BF16 peak, FLOP/s per device (no sparsity).
    public var peakFLOPs: Double {
        switch self {
        // AWS Neuron docs, "Trainium architecture": 190 TFLOPS FP16/BF16 per Trainium chip, two
        // NeuronCore-v2 per chip (trn1.32xlarge: 16 chips, 32 NeuronCores).
        case .trn1: return 190e12 / 2
        // AWS Neuron docs, "Trainium2 architecture": 667 TFLOPS dense BF16 per chip, eight physical
        // NeuronCore-v3 grouped two by two into four logical cores at the default LNC=2
        // (trn2.48xlarge: 16 chips, 64 logical cores).
        case .trn2: return 667e12 / 4
        // NVIDIA A100 Tensor Core GPU datasheet: 312 TFLOPS BF16 dense.
        case .a100: return 312e12
        // NVIDIA H100 datasheet (SXM): 989 TFLOPS BF16 dense (1,979 is the sparse figure).
        case .h100: return 989e12
        // NVIDIA H200 datasheet (SXM): same Hopper tensor cores as H100, 989 TFLOPS BF16 dense.
        case .h200: return 989e12
        }
    }

    /// Memory per device in GiB, as vendors quote HBM, when the config gives none.
    public var defaultMemoryGiB: Double {
        switch self {
        case .trn1: return 16    // 32 GiB HBM per chip, two NeuronCores
        case .trn2: return 24    // 96 GiB HBM per chip, four logical cores at LNC=2
        case .a100: return 80
        case .h100: return 80
        case .h200: return 141
        }
    }

    /// Devices in one node of the usual instance (trn1.32xlarge, trn2.48xlarge, p4d, p5, p5e).
    public var defaultDevicesPerNode: Int {
        switch self {
        case .trn1: return 32
        case .trn2: return 64
        case .a100, .h100, .h200: return 8
        }
    }

    /// The instance type HyperPod names for a node of these devices.
    public var instanceType: String {
        switch self {
        case .trn1: return "ml.trn1.32xlarge"
        case .trn2: return "ml.trn2.48xlarge"
        case .a100: return "ml.p4d.24xlarge"
        case .h100: return "ml.p5.48xlarge"
        case .h200: return "ml.p5e.48xlarge"
        }
    }

    /// Trainium runs NxD; the rest runs torchtitan.
    public var isTrainium: Bool { self == .trn1 || self == .trn2 }
}
