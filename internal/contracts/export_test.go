package contracts

// Test hooks, reachable from the external test package.

func SetDraftHook(s *Service, f func(contractID string))      { s.afterDraftWrite = f }
func SetIssueHook(s *Service, f func(invoiceID string) error) { s.beforeIssueCommit = f }
