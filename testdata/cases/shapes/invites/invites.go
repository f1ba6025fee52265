// Package invites accepts and rejects team invites through a repository // want package:`writes invites\.role, invites\.status`
// whose update takes optional fields as pointers. Each handler checks in
// Go that the invite is still pending and then sets its status. Two
// requests that both pass the check and set the same status lose
// nothing; an accept that adds the member, racing a reject, leaves a
// member whose invite says rejected.
package invites

import (
	"context"
	"database/sql"
	"errors"
)

// Invite is a row of invites.
type Invite struct {
	ID     int64
	Team   int64
	Email  string
	Status string
}

// UpdateOpts are the fields UpdateInvite changes; nil leaves one as it is.
type UpdateOpts struct {
	Status *string
	Role   *string
}

// StringPtr returns a pointer to s.
func StringPtr(s string) *string { return &s } // want StringPtr:"result 0 from param 0"

// Repo is the invites repository.
type Repo struct{ db *sql.DB }

// GetInvite loads an invite.
func (r *Repo) GetInvite(ctx context.Context, id int64) (*Invite, error) { // want GetInvite:"loads result 0.Email on param 0.db \\(pool\\); loads result 0.Status on param 0.db \\(pool\\); loads result 0.Team on param 0.db \\(pool\\)"
	var inv Invite
	err := r.db.QueryRowContext(ctx, "SELECT id, team, email, status FROM invites WHERE id = $1", id).Scan(&inv.ID, &inv.Team, &inv.Email, &inv.Status)
	if err != nil {
		return nil, err
	}
	return &inv, nil
}

// UpdateInvite writes the fields opts gives.
func (r *Repo) UpdateInvite(ctx context.Context, id int64, opts *UpdateOpts) error { // want UpdateInvite:"writes param 3.Role\\* to role on param 0.db \\(pool\\); writes param 3.Status\\* to status on param 0.db \\(pool\\)"
	var status, role sql.NullString
	if opts.Status != nil {
		status = sql.NullString{String: *opts.Status, Valid: true}
	}
	if opts.Role != nil {
		role = sql.NullString{String: *opts.Role, Valid: true}
	}
	_, err := r.db.ExecContext(ctx, "UPDATE invites SET status = COALESCE($2, status), role = COALESCE($3, role) WHERE id = $1", id, status, role)
	return err
}

// IsMember reports whether email is a member of the team.
func (r *Repo) IsMember(ctx context.Context, team int64, email string) (bool, error) { // want IsMember:"loads result 0 on param 0.db \\(pool\\) \\(computed\\)"
	var n int
	err := r.db.QueryRowContext(ctx, "SELECT count(*) FROM members WHERE team = $1 AND email = $2", team, email).Scan(&n)
	return n > 0, err
}

// AddMember adds email to the team.
func (r *Repo) AddMember(ctx context.Context, team int64, email string) error { // want AddMember:"changes the database"
	_, err := r.db.ExecContext(ctx, "INSERT INTO members (team, email) VALUES ($1, $2)", team, email)
	return err
}

var errUsed = errors.New("invite has already been used")

// accept marks an invite accepted. For someone already a member it only
// marks it, which two requests may both do; otherwise it adds the member
// too, which two requests passing the check both do.
func accept(ctx context.Context, r *Repo, id int64) error {
	inv, err := r.GetInvite(ctx, id)
	if err != nil {
		return err
	}
	if inv.Status != "pending" {
		return errUsed
	}
	member, err := r.IsMember(ctx, inv.Team, inv.Email)
	if err != nil {
		return err
	}
	if member {
		return r.UpdateInvite(ctx, inv.ID, &UpdateOpts{Status: StringPtr("accepted")})
	}
	if err := r.AddMember(ctx, inv.Team, inv.Email); err != nil {
		return err
	}
	return r.UpdateInvite(ctx, inv.ID, &UpdateOpts{Status: StringPtr("accepted")}) // want `^check then write: inv\.Status is read at invites\.go:\d+ \(by Repo\.GetInvite, at invites\.go:\d+\) and checked at invites\.go:\d+, but the write here by Repo\.UpdateInvite does not check it again`
}

// reject marks an invite rejected, which alone two requests may both do;
// but an accept passing the same check adds the member, and the invite
// ends rejected.
func reject(ctx context.Context, r *Repo, id int64) error {
	inv, err := r.GetInvite(ctx, id)
	if err != nil {
		return err
	}
	if inv.Status != "pending" {
		return errUsed
	}
	return r.UpdateInvite(ctx, inv.ID, &UpdateOpts{Status: StringPtr("rejected")}) // want `^check then write: inv\.Status is read at invites\.go:\d+ \(by Repo\.GetInvite, at invites\.go:\d+\) and checked at invites\.go:\d+, but the write here by Repo\.UpdateInvite does not check it again`
}

// reopen puts a rejected invite back to pending. Its check requires
// another status than the accept's, so the two cannot both pass on one
// invite, and two reopens set the same flag.
func reopen(ctx context.Context, r *Repo, id int64) error {
	inv, err := r.GetInvite(ctx, id)
	if err != nil {
		return err
	}
	if inv.Status != "rejected" {
		return errors.New("only a rejected invite can be reopened")
	}
	return r.UpdateInvite(ctx, inv.ID, &UpdateOpts{Status: StringPtr("pending")})
}
