enum KratixJobRunnerModule {}
