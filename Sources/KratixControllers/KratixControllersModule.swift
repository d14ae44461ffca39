enum KratixControllersModule {}
