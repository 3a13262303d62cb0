"""Course records: vocabulary, validation of provider uploads, all-or-nothing ingest, the sample catalog."""
