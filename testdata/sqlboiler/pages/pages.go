// Package pages counts page views with raw SQL next to sqlboiler's // want package:`writes page\.views; updates atomically page\.views`
// models: queries.Raw with ExecContext, QueryRowContext and Bind, the
// executor's own ExecContext, and UpdateAll of a count read that way.
package pages

import (
	"context"

	"github.com/volatiletech/sqlboiler/v4/boil"
	"github.com/volatiletech/sqlboiler/v4/queries"

	"example.com/boilcases/models"
)

// view is the shipped bug: the count is read with FindPage and written
// back, one more, through queries.Raw; it returns the page's path.
func view(ctx context.Context, exec boil.ContextExecutor, id int64) (string, error) {
	p, err := models.FindPage(ctx, exec, id)
	if err != nil {
		return "", err
	}
	_, err = queries.Raw("UPDATE page SET views = $1 WHERE id = $2", p.Views+1, id).ExecContext(ctx, exec) // want `^lost update: p.Views is read at pages.go:18 and written back here outside a locking transaction; a concurrent request can change it in between. Use an atomic update \(SET views = views \+ \$1\)`
	return p.Path, err
}

// viewExec writes through the executor's own ExecContext.
func viewExec(ctx context.Context, exec boil.ContextExecutor, id int64) (string, error) {
	p, err := models.FindPage(ctx, exec, id)
	if err != nil {
		return "", err
	}
	_, err = exec.ExecContext(ctx, "UPDATE page SET views = $1 WHERE id = $2", p.Views+1, id) // want `^lost update: p.Views is read at pages.go:28 and written back here.*\(SET views = views \+ \$1\)`
	return p.Path, err
}

// viewAtomic lets the database add.
func viewAtomic(ctx context.Context, exec boil.ContextExecutor, id int64) error {
	_, err := exec.ExecContext(ctx, "UPDATE page SET views = views + 1 WHERE id = $1", id)
	return err
}

// viewCount reads the count with raw SQL and writes it back through
// UpdateAll.
func viewCount(ctx context.Context, exec boil.ContextExecutor, id int64) error {
	var n int64
	if err := queries.Raw("SELECT views FROM page WHERE id = $1", id).QueryRowContext(ctx, exec).Scan(&n); err != nil {
		return err
	}
	_, err := models.Pages(models.PageWhere.ID.EQ(id)).UpdateAll(ctx, exec, models.M{"views": n + 1}) // want `^lost update: n is read at pages.go:46 and written back here.*\(queries.Raw\("UPDATE page SET views = views \+ \$1 WHERE id = \$2", 1, id\)`
	return err
}

// viewBound binds the row a raw SELECT reads into a struct, and writes
// it back through the model's Update.
func viewBound(ctx context.Context, exec boil.ContextExecutor, id int64) error {
	var p models.Page
	if err := queries.Raw("SELECT * FROM page WHERE id = $1", id).Bind(ctx, exec, &p); err != nil {
		return err
	}
	p.Views++
	_, err := p.Update(ctx, exec, boil.Whitelist(models.PageColumns.Views)) // want `^lost update: p.Views is read at pages.go:57 and written back here`
	return err
}

// rename writes a path the caller gave to the page it read.
func rename(ctx context.Context, exec boil.ContextExecutor, id int64, path string) error {
	p, err := models.FindPage(ctx, exec, id)
	if err != nil {
		return err
	}
	p.Path = path
	_, err = p.Update(ctx, exec, boil.Infer()) // want `^stale row: p is read at pages.go:67 and written back whole here with a new p.Path; views goes back as read.*\(pages.viewAtomic updates views atomically at pages.go:38\). Write only the columns that changed \(Update\(ctx, exec, boil.Whitelist\("path"\)\)\)`
	return err
}
