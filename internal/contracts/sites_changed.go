package contracts

// sitesChanged counts a change to sites or client names and tells the hook
// (another server process's site cache, through app's broadcast).
func (s *Service) sitesChanged() {
	s.sitesVersion.Add(1)
	if h := s.sitesHook.Load(); h != nil {
		(*h)()
	}
}

// OnSitesChanged calls fn after each change to sites or client names made
// through this service. Call it while wiring.
func (s *Service) OnSitesChanged(fn func()) { s.sitesHook.Store(&fn) }
