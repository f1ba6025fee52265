package pages

import (
	"context"
	"database/sql"
	"errors"

	"github.com/volatiletech/sqlboiler/v4/boil"

	"example.com/boilcases/models"
)

// conflictPath is the column a page's upsert conflicts on.
var conflictPath = []string{models.PageColumns.Path}

// ensure creates the page at path when no page is found there: the
// upsert's conflict action writes its one view over a page another
// request created since the read.
func ensure(ctx context.Context, exec boil.ContextExecutor, path string) error {
	p, err := models.Pages(models.PageWhere.Path.EQ(path)).One(ctx, exec)
	if errors.Is(err, sql.ErrNoRows) {
		p = &models.Page{Path: path, Views: 1}
		return p.Upsert(ctx, exec, true, conflictPath, boil.Infer(), boil.Infer()) // want `^check then write: no page row is found at upsert.go:20, and only then the upsert here runs, whose conflict action writes views over the row that is there: what another request stored in a row it inserted since the read is overwritten. Insert with Upsert\(ctx, exec, false, …\) \(ON CONFLICT DO NOTHING\) and read the row again.$`
	}
	return err
}
