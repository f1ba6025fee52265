// Package admin edits roles through the perm package (tsuru's // want package:`writes mongofield:example\.com/mongocases/roles/perm\.Store\.Roles\.contexttype, mongofield:example\.com/mongocases/roles/perm\.Store\.Roles\.description, mongofield:example\.com/mongocases/roles/perm\.Store\.Roles\.members, mongofield:example\.com/mongocases/roles/perm\.Store\.Roles\.schemes`
// UpdateRoleFromAllUsers): a description from the request, or the one
// read, written back is no lost update, though the role came back by
// value with another field filtered.
package admin

import (
	"context"

	"example.com/mongocases/roles/perm"
)

// Rename sets what the request gives and writes the rest back as read.
func Rename(ctx context.Context, s *perm.Store, name, contextType, desc string) error { // want Rename:`writes param 3 to contexttype on param 0; writes param 4 to description on param 0; with param 3 zero: \{writes param 4 to description on param 0\}; with param 4 zero: \{writes param 3 to contexttype on param 0\}`
	role, err := s.FindRole(ctx, name)
	if err != nil {
		return err
	}
	if contextType != "" {
		role.ContextType = contextType
	}
	if desc != "" {
		role.Description = desc
	}
	return s.Update(ctx, &role)
}

// AddMember counts one more member on the count read: a lost update.
func AddMember(ctx context.Context, s *perm.Store, name string) error { // want AddMember:`changes the database`
	role, err := s.FindRole(ctx, name)
	if err != nil {
		return err
	}
	role.Members++
	return s.SetMembers(ctx, &role) // want `^lost update: role\.Members is read at admin\.go:\d+ \(by Store\.FindRole, at perm\.go:\d+\) and written back here by Store\.SetMembers outside a transaction`
}

// PruneSchemes writes back the schemes FindRole filtered: a scheme
// another request added in between is dropped, a lost update.
func PruneSchemes(ctx context.Context, s *perm.Store, name string) error { // want PruneSchemes:`changes the database`
	role, err := s.FindRole(ctx, name)
	if err != nil {
		return err
	}
	return s.SetSchemes(ctx, &role) // want `^lost update: role\.SchemeNames is read at admin\.go:\d+ \(by Store\.FindRole, at perm\.go:\d+\) and written back here by Store\.SetSchemes outside a transaction`
}
