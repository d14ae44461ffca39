enum KubeRuntimeModule {}
