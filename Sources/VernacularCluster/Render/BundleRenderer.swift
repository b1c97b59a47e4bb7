/// Plans a config and renders the bundle for one engine.
public enum BundleRenderer {
    public static func render(config: TrainingConfig, engine: Engine) throws -> JobBundle {
        try PackCheck.verify(config)
        let plan = Planner().plan(config)
        switch engine {
        case .nxd: return try NxDBundle.render(config: config, plan: plan)
        case .torchtitan: return try TorchtitanBundle.render(config: config, plan: plan)
        }
    }
}
