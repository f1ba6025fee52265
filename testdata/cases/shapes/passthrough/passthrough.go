// Package passthrough is an inventory service that writes loaded values // want package:"writes .*items\\.name"
// back after passing them through conversions and choices that change
// nothing another request could have changed: cmp.Or, max, strconv,
// strings.TrimSpace, fmt.Sprintf, lo.Ternary, lancet's condition.Ternary, and a normaliser the analysis cannot
// see into. Only arithmetic on the loaded value is a lost update.
package passthrough

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/duke-git/lancet/v2/condition"
	"github.com/samber/lo"
)

type Item struct {
	ID    int64
	Name  string
	Stock int
	Count int
}

// editRequest is a partial update: empty fields keep their value.
type editRequest struct {
	Name string
	Min  int
}

type Service struct {
	db        *sql.DB
	normalise func(string) string
}

func (s *Service) item(ctx context.Context, id int64) (Item, error) {
	var it Item
	err := s.db.QueryRowContext(ctx, "SELECT id, name, stock, count FROM items WHERE id = $1", id).Scan(&it.ID, &it.Name, &it.Stock, &it.Count)
	return it, err
}

// renameItem keeps the old name when the request has none.
func (s *Service) renameItem(ctx context.Context, id int64, req editRequest) error {
	old, err := s.item(ctx, id)
	if err != nil {
		return err
	}
	name := cmp.Or(req.Name, old.Name)
	_, err = s.db.ExecContext(ctx, "UPDATE items SET name = $1 WHERE id = $2", name, old.ID)
	return err
}

// raiseStockFloor writes the larger of the stock read and the requested
// minimum.
func (s *Service) raiseStockFloor(ctx context.Context, id int64, req editRequest) error {
	old, err := s.item(ctx, id)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, "UPDATE items SET stock = $1 WHERE id = $2", max(old.Stock, req.Min), old.ID)
	return err
}

// takeStockRacy is the racy twin: max of a value computed from the stock.
func (s *Service) takeStockRacy(ctx context.Context, id int64, qty int) error {
	old, err := s.item(ctx, id)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, "UPDATE items SET stock = $1 WHERE id = $2", max(old.Stock-qty, 0), old.ID) // want `^lost update: old.Stock is read at passthrough.go:68 \(by Service.item, at passthrough.go:40\) and written back here`
	return err
}

// countAsText rewrites the count as text during a column migration.
func (s *Service) countAsText(ctx context.Context, id int64) error {
	old, err := s.item(ctx, id)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, "UPDATE items SET count = $1 WHERE id = $2", strconv.Itoa(old.Count), old.ID)
	return err
}

// trimName strips the whitespace an old importer left around names.
func (s *Service) trimName(ctx context.Context, id int64) error {
	old, err := s.item(ctx, id)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, "UPDATE items SET name = $1 WHERE id = $2", strings.TrimSpace(old.Name), old.ID)
	return err
}

// normaliseName passes the name through a function held in a field,
// which the analysis cannot see into.
func (s *Service) normaliseName(ctx context.Context, id int64) error {
	old, err := s.item(ctx, id)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, "UPDATE items SET name = $1 WHERE id = $2", s.normalise(old.Name), old.ID)
	return err
}

// failImport records why an import failed, naming the item it was for.
func (s *Service) failImport(ctx context.Context, importID int64, cause error) error {
	var id, itemID int64
	if err := s.db.QueryRowContext(ctx, "SELECT id, item_id FROM imports WHERE id = $1", importID).Scan(&id, &itemID); err != nil {
		return err
	}
	_, err := s.db.ExecContext(ctx, "UPDATE imports SET fail_reason = $1 WHERE id = $2", fmt.Sprintf("import %d: item %d: %v", id, itemID, cause), id)
	return err
}

// countRacy is the racy twin: the count is incremented in Go.
func (s *Service) countRacy(ctx context.Context, id int64) error {
	old, err := s.item(ctx, id)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, "UPDATE items SET count = $1 WHERE id = $2", old.Count+1, old.ID) // want `^lost update: old.Count is read at passthrough.go:119 \(by Service.item, at passthrough.go:40\) and written back here`
	return err
}

// clearBlankName writes the name back, or NULL when it is blank, through
// a generic choice of another module: the condition decides which value
// it returns, but is not part of it.
func (s *Service) clearBlankName(ctx context.Context, id int64) error {
	old, err := s.item(ctx, id)
	if err != nil {
		return err
	}
	name := lo.Ternary[any](strings.TrimSpace(old.Name) == "", nil, old.Name)
	_, err = s.db.ExecContext(ctx, "UPDATE items SET name = $1 WHERE id = $2", name, old.ID)
	return err
}

// restockRacy is the racy twin: the generic choice returns a value
// computed from the stock.
func (s *Service) restockRacy(ctx context.Context, id int64, qty int) error {
	old, err := s.item(ctx, id)
	if err != nil {
		return err
	}
	stock := lo.Ternary(qty > 0, old.Stock+qty, old.Stock)
	_, err = s.db.ExecContext(ctx, "UPDATE items SET stock = $1 WHERE id = $2", stock, old.ID) // want `^lost update: old.Stock is read at passthrough.go:143 \(by Service.item, at passthrough.go:40\) and written back here`
	return err
}

// clearBlankNameLancet is clearBlankName with lancet's Ternary, which the
// analysis has no model of: its type says that its result is one of its
// last two arguments.
func (s *Service) clearBlankNameLancet(ctx context.Context, id int64) error {
	old, err := s.item(ctx, id)
	if err != nil {
		return err
	}
	name := condition.Ternary[bool, any](strings.TrimSpace(old.Name) == "", nil, old.Name)
	_, err = s.db.ExecContext(ctx, "UPDATE items SET name = $1 WHERE id = $2", name, old.ID)
	return err
}
