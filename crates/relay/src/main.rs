//! `leadbox-relay`: serve, or mint an invite for a business.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use leadbox_relay::RelayConfig;

#[derive(Debug, Parser)]
#[command(
    name = "leadbox-relay",
    version,
    about = "The Leadbox relay: receives webhooks, seals them to your desktops"
)]
struct Cli {
    /// The relay config file (TOML). Every field can be overridden by a LEADBOX_RELAY_* variable.
    #[arg(long, short, global = true, env = "LEADBOX_RELAY_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the relay.
    Serve,
    /// Print a single-use invite code that pairs one desktop with a business (created if new).
    Invite {
        #[arg(long)]
        business: String,
    },
    /// List or revoke the desktops paired with this relay.
    Devices {
        #[command(subcommand)]
        action: DevicesAction,
    },
    /// The businesses on this relay: counts and sizes (never content);
    /// suspend, resume or delete one.
    Businesses {
        #[command(subcommand)]
        action: BusinessesAction,
    },
}

#[derive(Debug, Subcommand)]
enum BusinessesAction {
    /// Every business: computers, accounts, envelopes waiting and their size.
    List {
        #[arg(long)]
        json: bool,
    },
    /// One business (by id or exact name) and its computers.
    Show {
        business: String,
    },
    /// Refuse its computers until resumed (webhooks for it are still kept).
    Suspend {
        business: String,
    },
    Resume {
        business: String,
    },
    /// Delete the business and everything the relay holds of it. Cannot be undone.
    Delete {
        business: String,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Debug, Subcommand)]
enum DevicesAction {
    /// Every paired desktop: business, name, queued and lost envelopes.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Revoke a desktop (a lost or stolen computer): its token stops working,
    /// nothing more is sealed to it, and its queued envelopes are deleted.
    Revoke { device_id: String },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("LEADBOX_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let config = match RelayConfig::load(cli.config.as_deref(), |name| std::env::var(name).ok()) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("leadbox-relay: {error}");
            return ExitCode::from(2);
        }
    };
    let result = match cli.command {
        Command::Serve => serve(config),
        Command::Businesses { action } => businesses(config, action),
        Command::Invite { business } => invite(config, &business),
        Command::Devices { action } => devices(config, action),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("leadbox-relay: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn invite(config: RelayConfig, business: &str) -> anyhow::Result<()> {
    let business = business.trim();
    anyhow::ensure!(!business.is_empty(), "the business name must not be empty");
    let runtime = tokio::runtime::Runtime::new()?;
    let code = runtime.block_on(async {
        let store = leadbox_relay::store::open(&config).await?;
        store
            .create_invite(business, leadbox_relay::store::unix_now())
            .await
    })?;
    #[allow(clippy::print_stdout)]
    {
        println!("{code}");
    }
    Ok(())
}

#[allow(clippy::print_stdout)]
fn businesses(config: RelayConfig, action: BusinessesAction) -> anyhow::Result<()> {
    use leadbox_relay::store::BusinessInfo;
    let runtime = tokio::runtime::Runtime::new()?;
    let store = runtime.block_on(leadbox_relay::store::open(&config))?;
    let all = runtime.block_on(store.businesses())?;
    let find = |wanted: &str| -> anyhow::Result<BusinessInfo> {
        let wanted = wanted.trim();
        all.iter()
            .find(|b| b.business_id == wanted || b.name == wanted)
            .cloned()
            .ok_or_else(|| {
                anyhow::anyhow!("no business {wanted} (see `leadbox-relay businesses list`)")
            })
    };
    let line = |b: &BusinessInfo| {
        format!(
            "{}  {:<28} {:>3} computers {:>4} accounts {:>8} waiting ({} bytes){}",
            b.business_id,
            b.name,
            b.devices,
            b.accounts,
            b.envelopes,
            b.envelope_bytes,
            if b.suspended_at.is_some() {
                "  SUSPENDED"
            } else {
                ""
            }
        )
    };
    let now = leadbox_relay::store::unix_now();
    match action {
        BusinessesAction::List { json } => {
            for business in &all {
                if json {
                    println!("{}", serde_json::to_string(business)?);
                } else {
                    println!("{}", line(business));
                }
            }
        }
        BusinessesAction::Show { business } => {
            let business = find(&business)?;
            println!("{}", line(&business));
            for device in runtime.block_on(store.business_devices(&business.business_id))? {
                println!(
                    "  computer {} {:<20} {}{}",
                    device.device_id,
                    device.name,
                    if device.owner { "owner" } else { "member" },
                    if device.revoked_at.is_some() {
                        ", removed"
                    } else {
                        ""
                    }
                );
            }
        }
        BusinessesAction::Suspend { business } => {
            let business = find(&business)?;
            runtime.block_on(store.set_suspended(&business.business_id, Some(now)))?;
            println!(
                "Suspended {}: its computers are refused; webhooks for it are still kept.",
                business.name
            );
        }
        BusinessesAction::Resume { business } => {
            let business = find(&business)?;
            runtime.block_on(store.set_suspended(&business.business_id, None))?;
            println!("Resumed {}.", business.name);
        }
        BusinessesAction::Delete { business, yes } => {
            let business = find(&business)?;
            if !yes {
                use std::io::BufRead as _;
                println!(
                    "Delete {} and everything the relay holds of it ({} envelopes, {} computers, {} accounts)? Type the business's name to confirm:",
                    business.name, business.envelopes, business.devices, business.accounts
                );
                let mut typed = String::new();
                std::io::stdin().lock().read_line(&mut typed)?;
                anyhow::ensure!(
                    typed.trim() == business.name,
                    "not confirmed; nothing was deleted"
                );
            }
            let deleted = runtime.block_on(store.delete_business(&business.business_id, now))?;
            anyhow::ensure!(deleted, "the business was already gone");
            println!("Deleted {} and everything of it.", business.name);
        }
    }
    Ok(())
}

#[allow(clippy::print_stdout)]
fn devices(config: RelayConfig, action: DevicesAction) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Runtime::new()?;
    let store = runtime.block_on(leadbox_relay::store::open(&config))?;
    match action {
        DevicesAction::List { json } => {
            for device in runtime.block_on(store.devices())? {
                if json {
                    println!("{}", serde_json::to_string(&device)?);
                } else {
                    println!(
                        "{}  {:<24} {:<20} {:>6} queued {:>4} lost  {}",
                        device.device_id,
                        device.business,
                        device.name,
                        device.queued,
                        device.lost_unreported,
                        if device.revoked_at.is_some() {
                            "revoked"
                        } else {
                            "active"
                        }
                    );
                }
            }
        }
        DevicesAction::Revoke { device_id } => {
            let revoked = runtime.block_on(
                store.revoke_device(device_id.trim(), leadbox_relay::store::unix_now()),
            )?;
            anyhow::ensure!(
                revoked,
                "no active device {device_id} (see `leadbox-relay devices list`)"
            );
            println!("Revoked {device_id}. Pair a replacement desktop with a new invite.");
        }
    }
    Ok(())
}

fn serve(config: RelayConfig) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", config.listen))?;
        let address = listener.local_addr()?;
        let state = leadbox_relay::prepare(config).await?;
        tracing::info!(%address, "relay listening");
        // Tests and supervisors read the bound address (port 0 picks a free one).
        #[allow(clippy::print_stdout)]
        {
            println!("listening on {address}");
        }
        leadbox_relay::serve(listener, state, shutdown_signal()).await?;
        tracing::info!("relay stopped");
        Ok(())
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
