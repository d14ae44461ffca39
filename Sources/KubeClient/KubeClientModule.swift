/// Placeholder until the module lands.
enum KubeClientModule {}
