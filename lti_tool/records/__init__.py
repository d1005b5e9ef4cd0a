"""Training files (培训档案): one row per learner per training item, kept current by
the features that produce results, read by training files, certificates and HR."""
