/*
 * Built-in lists of the mail checks. Free-mail providers (an executive or
 * a business partner writing from one is a classic lure), file-share and
 * hosting services (where "internal documents" and trojanized installers
 * are parked), and organisations that phishing most often poses as (after
 * the public brand-phishing rankings of Check Point and Vade, 2022-2025),
 * each with the mail domains it really sends from. Crypto brands come from
 * the domain database (data/brands.tsv) instead.
 */
#include <stddef.h>

#include "mail_internal.h"

const char *const mail_builtin_freemail[] = {
    "gmail.com googlemail.com yahoo.com yahoo.co.jp yahoo.co.uk yahoo.fr ymail.com rocketmail.com",
    "hotmail.com hotmail.co.uk hotmail.fr outlook.com outlook.jp live.com live.jp msn.com",
    "aol.com icloud.com me.com mac.com gmx.com gmx.de gmx.net web.de mail.com email.com",
    "protonmail.com proton.me pm.me tutanota.com tuta.io zoho.com zohomail.com yandex.com",
    "yandex.ru mail.ru inbox.ru list.ru bk.ru rambler.ru qq.com 163.com 126.com sina.com",
    "naver.com daum.net hanmail.net docomo.ne.jp ezweb.ne.jp au.com softbank.ne.jp",
    "i.softbank.jp excite.co.jp nifty.com biglobe.ne.jp ocn.ne.jp so-net.ne.jp gmx.at",
    "libero.it virgilio.it orange.fr free.fr laposte.net t-online.de rediffmail.com",
    "uol.com.br bol.com.br terra.com.br ig.com.br seznam.cz wp.pl o2.pl onet.pl interia.pl",
    NULL,
};

/* File sharing: a link there from outside counts when it reads like a document. */
const char *const mail_builtin_filehosts[] = {
    "drive.google.com docs.google.com sites.google.com dropbox.com dropboxusercontent.com",
    "onedrive.live.com 1drv.ms sharepoint.com box.com app.box.com wetransfer.com we.tl",
    "mega.nz mega.io mediafire.com sendspace.com transfer.sh gofile.io pixeldrain.com",
    "anonfiles.com file.io filetransfer.io smash.com swisstransfer.com icloud.com",
    "disk.yandex.ru disk.yandex.com pcloud.com u.pcloud.link notion.site",
    "raw.githubusercontent.com gist.github.com pastebin.com paste.ee ghostbin.com telegra.ph",
    "forms.gle forms.office.com typeform.com jotform.com formstack.com",
    NULL,
};

/* Hosting where anyone gets a name under the platform's domain in minutes: pages,
 * buckets, tunnels, IPFS gateways and cloud tenants' default domains. A link to
 * one, or mail sent from one, is how throw-away phishing sites and senders look. */
const char *const mail_builtin_hosting[] = {
    "web.app firebaseapp.com firebasestorage.googleapis.com storage.googleapis.com",
    "pages.dev workers.dev r2.dev netlify.app vercel.app herokuapp.com glitch.me onrender.com",
    "github.io gitlab.io bitbucket.io repl.co replit.app azurewebsites.net blob.core.windows.net",
    "s3.amazonaws.com weebly.com wixsite.com webflow.io godaddysites.com square.site framer.app",
    "blogspot.com 000webhostapp.com ngrok.io ngrok-free.app ngrok.app trycloudflare.com",
    "ipfs.io dweb.link cloudflare-ipfs.com w3s.link nftstorage.link fleek.co translate.goog",
    "onmicrosoft.com",
    NULL,
};

/* "Display name|official domains". A one-word name counts only when the rest of the
 * sender name is generic ("PayPal Service", not "Chase Miller"). */
const char *const mail_builtin_brands[] = {
    "Microsoft|microsoft.com microsoftonline.com office.com office365.com outlook.com live.com "
    "sharepoint.com microsoft365.com onmicrosoft.com",
    "Office 365|microsoft.com microsoftonline.com office.com office365.com onmicrosoft.com",
    "Microsoft 365|microsoft.com microsoftonline.com office.com office365.com onmicrosoft.com",
    "Outlook|microsoft.com outlook.com office.com live.com",
    "OneDrive|microsoft.com onedrive.com live.com sharepoint.com",
    "SharePoint|microsoft.com sharepoint.com",
    "Google|google.com accounts.google.com youtube.com gmail.com",
    "Google Drive|google.com",
    "Gmail|google.com gmail.com",
    "Apple|apple.com icloud.com",
    "iCloud|apple.com icloud.com",
    "Amazon|amazon.com amazon.co.jp amazon.co.uk amazon.de amazon.com.br amazon.fr amazonses.com",
    "Amazon Prime|amazon.com amazon.co.jp amazon.co.uk amazon.de amazon.com.br",
    "PayPal|paypal.com paypal.co.uk paypal.de paypal.com.br",
    "Netflix|netflix.com",
    "DHL|dhl.com dhl.de dhl.co.jp",
    "FedEx|fedex.com",
    "UPS|ups.com",
    "USPS|usps.com",
    "DocuSign|docusign.com docusign.net",
    "Adobe|adobe.com",
    "Adobe Sign|adobe.com adobesign.com echosign.com",
    "Dropbox|dropbox.com dropboxmail.com",
    "WeTransfer|wetransfer.com",
    "LinkedIn|linkedin.com",
    "Facebook|facebook.com facebookmail.com meta.com",
    "Instagram|instagram.com facebookmail.com",
    "WhatsApp|whatsapp.com",
    "Telegram|telegram.org",
    "Zoom|zoom.us zoom.com",
    "Slack|slack.com",
    "Wells Fargo|wellsfargo.com",
    "Bank of America|bankofamerica.com bofa.com",
    "American Express|americanexpress.com aexp.com",
    "Walmart|walmart.com",
    "IRS|irs.gov",
    "Internal Revenue Service|irs.gov",
    "Social Security Administration|ssa.gov",
    "Correios|correios.com.br",
    "Banco Santander|santander.com santander.com.br",
    "Santander|santander.com santander.com.br santander.co.uk santander.de",
    "Bradesco|bradesco.com.br",
    "Itau|itau.com.br",
    "Banco do Brasil|bb.com.br",
    "Deutsche Telekom|telekom.de t-online.de",
    "Sparkasse|sparkasse.de",
    "Mercado Livre|mercadolivre.com.br mercadolibre.com",
    "Roblox|roblox.com",
    "Binance|binance.com",
    "Tether|tether.to",
    "Caixa Economica Federal|caixa.gov.br",
    "Steam Support|steampowered.com steamcommunity.com",
    "Proton Mail|proton.me protonmail.com",
    "Rakuten|rakuten.co.jp rakuten.com",
    "Mitsubishi UFJ|bk.mufg.jp mufg.jp",
    "SMBC|smbc.co.jp",
    "Mizuho|mizuhobank.co.jp mizuho-fg.co.jp",
    "Japan Post|post.japanpost.jp japanpost.jp",
    "Yamato|kuronekoyamato.co.jp",
    "Sagawa|sagawa-exp.co.jp",
    "NTT Docomo|docomo.ne.jp nttdocomo.co.jp",
    "SoftBank|softbank.jp softbank.ne.jp",
    "eTax|e-tax.nta.go.jp nta.go.jp",
    NULL,
};

/* Every phrase passed as a message argument (N_ in the checks), looked up in the
 * message catalog once when a scanner is made. */
const char *const mail_phrases[] = {
    "free-mail address",
    "another domain",
    "no domain",
    "no registrable domain",
    "sender name",
    "subject",
    "written in disguise",
    "no host name",
    "a site anyone can publish",
    "a shared document",
    "HTML body",
    "the page itself",
    "job offer",
    "partnership",
    "urgent payment",
    "account verification",
    "wallet secrets",
    NULL,
};
