package startup // want package:`writes credentials\.sign_count, users\.agent_secret`

import (
	"crypto/rand"
	"fmt"
	"log"
	"os"

	"gorm.io/gorm"
)

// User is a row of the users table.
type User struct {
	ID          uint64
	Name        string
	AgentSecret string
}

// newSecret returns a random secret.
func newSecret() string { return rand.Text() }

// initUsers gives every user without an agent secret one, at start-up:
// a failed write ends the process, as a server that cannot load its
// users cannot serve, so it runs before any request and is not reported.
func initUsers(db *gorm.DB) map[string]uint64 {
	var users []User
	db.Find(&users)
	bySecret := make(map[string]uint64)
	for _, u := range users {
		if u.AgentSecret == "" {
			u.AgentSecret = newSecret()
			if err := db.Save(&u).Error; err != nil {
				panic(fmt.Errorf("update of user %d failed: %v", u.ID, err))
			}
		}
		bySecret[u.AgentSecret] = u.ID
	}
	return bySecret
}

// initSecretsFatal is the same start-up pass, with the check in the
// statement after the write and log.Fatal.
func initSecretsFatal(db *gorm.DB, id uint64) {
	var u User
	db.First(&u, id)
	if u.AgentSecret != "" {
		return
	}
	err := db.Model(&u).Update("agent_secret", newSecret()).Error
	if err != nil {
		log.Fatalf("user %d: %v", id, err)
	}
}

// initSecretsExit ends the process with os.Exit.
func initSecretsExit(db *gorm.DB, id uint64) {
	var u User
	db.First(&u, id)
	if u.AgentSecret == "" {
		if err := db.Model(&u).Update("agent_secret", newSecret()).Error; err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}

// resetSecret runs on a request: two resets of one user both see no
// secret, and the first caller is given one that the second overwrites.
func resetSecret(db *gorm.DB, id uint64) (string, error) {
	var u User
	if err := db.First(&u, id).Error; err != nil {
		return "", err
	}
	if u.AgentSecret == "" {
		u.AgentSecret = newSecret()
		if err := db.Model(&u).Update("agent_secret", u.AgentSecret).Error; err != nil { // want `^check then write: u.AgentSecret is read at secrets.go:71 and checked at secrets.go:74`
			log.Printf("user %d: %v", id, err)
			return "", err
		}
	}
	return u.AgentSecret, nil
}

// resetSecretLogged logs a failure through a callback that ends nothing:
// a panic inside a function literal is not this function's.
func resetSecretLogged(db *gorm.DB, id uint64, onErr func(error)) {
	var u User
	db.First(&u, id)
	if u.AgentSecret == "" {
		if err := db.Model(&u).Update("agent_secret", newSecret()).Error; err != nil { // want `^check then write: u.AgentSecret is read at secrets.go:88 and checked at secrets.go:89`
			go func() { panic(err) }()
		}
	}
}
