package database

import (
	"hash/fnv"
	"slices"

	"gorm.io/gorm"
)

// personLockClass is the first key of the two-key PostgreSQL advisory locks
// LockPeople takes: it keeps them apart from any other advisory lock (the
// two-key and one-key forms are separate lock spaces, and other classes
// would use other numbers). "GSPL" in ASCII.
const personLockClass int32 = 0x4753504c

// LockPeople takes the per-person write lock of each person in ids, for the
// rest of the transaction tx. Every writer that puts people on shifts or
// changes their shifts calls it first, inside its transaction, and then
// checks the rules about those people (weekly caps, no overlap) on tx: two
// writers for the same person then run one after the other, and the second
// sees what the first committed.
//
// On PostgreSQL it is pg_advisory_xact_lock(class, key) per person, released
// at commit or rollback. The locks are taken in the order of their keys, so
// two transactions locking the same people (the two sides of a trade, in
// either order) cannot deadlock. An advisory lock rather than SELECT ... FOR
// UPDATE on people: the people table belongs to another package, and a row
// lock would also hold up that package's own updates of the row and every
// foreign-key check against it (FOR UPDATE conflicts with the KEY SHARE lock
// an insert referencing the person takes) for as long as the rules run.
// Two people whose keys collide (a 32-bit hash) only wait for each other.
//
// On SQLite it does nothing: every transaction begins immediately (BEGIN
// IMMEDIATE, see SQLiteDSN), so writers already run one at a time.
func LockPeople(tx *gorm.DB, ids ...string) error {
	if Dialect(tx) != Postgres {
		return nil
	}
	for _, k := range personLockKeys(ids) {
		if err := tx.Exec("SELECT pg_advisory_xact_lock(?, ?)", personLockClass, k).Error; err != nil {
			return err
		}
	}
	return nil
}

// personLockKeys are the lock keys for ids, sorted, without repeats or
// empty IDs: the one order every writer takes them in.
func personLockKeys(ids []string) []int32 {
	keys := make([]int32, 0, len(ids))
	for _, id := range ids {
		if id == "" {
			continue
		}
		h := fnv.New32a()
		_, _ = h.Write([]byte(id))
		keys = append(keys, int32(h.Sum32()))
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}
