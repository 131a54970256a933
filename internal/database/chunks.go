package database

// Chunks splits ids into runs of at most n, for IN lists that stay well
// inside both databases' limits on bound parameters.
func Chunks(ids []string, n int) [][]string {
	var out [][]string
	for len(ids) > n {
		out = append(out, ids[:n:n])
		ids = ids[n:]
	}
	if len(ids) > 0 {
		out = append(out, ids)
	}
	return out
}
