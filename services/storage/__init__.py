"""Object storage: the S3 API through the minio SDK, or the filesystem behind the same interface."""
