import KubeModel

/// A Terraform module whose variables become a Promise API. (Being built: see issue 8.)
public struct TerraformModule: Sendable {}
